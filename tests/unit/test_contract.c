/* SPDX-License-Identifier: MIT */
/*
 * The contract check's text side: whole-word matches, skipped files,
 * targets from SQL, and the message.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"

static int wl(const char *text, const char *word)
{
	return am_word_line(text, strlen(text), word);
}

Test(contract, whole_words_case_insensitive)
{
	cr_assert_eq(wl("users", "users"), 1);
	cr_assert_eq(wl("a\nb\nFROM Users;", "users"), 3);
	cr_assert_eq(wl("\"users\".email", "users"), 1);
	cr_assert_eq(wl("usersx users_ xusers _users 9users", "users"), 0);
	cr_assert_eq(wl("user", "users"), 0);
	cr_assert_eq(wl("", "users"), 0);
	cr_assert_eq(wl("x\nusers-list", "users"), 2);
	cr_assert_eq(am_word_line("a\0users", 7, "users"), 1);
}

Test(contract, skipped_directories_and_files)
{
	cr_assert_not(am_contract_dir_searched("vendor"));
	cr_assert_not(am_contract_dir_searched("node_modules"));
	cr_assert_not(am_contract_dir_searched("third_party"));
	cr_assert_not(am_contract_dir_searched(".github"));
	cr_assert(am_contract_dir_searched("src"));
	cr_assert_not(am_contract_file_searched("README.md"));
	cr_assert_not(am_contract_file_searched("notes.TXT"));
	cr_assert_not(am_contract_file_searched("structure.sql"));
	cr_assert_not(am_contract_file_searched("schema.rb"));
	cr_assert(am_contract_file_searched("queries.sql"));
	cr_assert(am_contract_file_searched("user.go"));
}

Test(contract, targets_and_message)
{
	static const char sql[] = "CREATE TABLE t (a int);\n"
				  "ALTER TABLE s.orders DROP COLUMN note, "
				  "DROP COLUMN x;\n"
				  "DROP TABLE legacy;\n"
				  "ALTER TABLE broken DROP;\n";
	static const char code[] = "orders\nnote\n";
	struct am_contract c;
	char *msg, *hint;

	am_contract_init(&c);
	am_contract_add_migration(&c, "db/V2__x.sql", sql, strlen(sql));
	cr_assert_eq(c.nr, 3);
	cr_assert_str_eq(c.items[0].change.column, "note");
	cr_assert_str_eq(c.items[1].change.column, "x");
	cr_assert_str_eq(c.items[2].change.table, "legacy");
	cr_assert_eq(c.items[2].change.line, 3);
	am_contract_scan(&c, "app/a.go", code, strlen(code));
	am_contract_scan(&c, "app/b.go", code, strlen(code));
	am_contract_scan(&c, "app/c.go", "note\n", 5);
	cr_assert_eq(c.items[0].hit_files, 2);
	cr_assert_eq(c.items[1].hit_files, 0);
	cr_assert_eq(c.items[2].hit_files, 0);
	msg = am_contract_message(&c.items[0], "origin/main");
	cr_assert_str_eq(msg, "migration drops column 's.orders.note' while "
			      "code at 'origin/main' still uses 'note': "
			      "'app/a.go' line 2, and 1 more file");
	hint = am_contract_hint(&c.items[0]);
	cr_assert_str_eq(hint, "first deploy code that no longer uses 'note', "
			       "then drop it in a later release, once no pod "
			       "runs the old code (expand/contract)");
	free(msg);
	free(hint);
	am_contract_release(&c);
}
