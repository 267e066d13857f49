#!/bin/sh
# gen-k8s-corpus.sh FILE [N] - writes a YAML stream of N (default 10000)
# Kubernetes objects to FILE for `make bench`: Deployments with probes,
# resources and env, Services, ConfigMaps, migration Jobs with Argo CD
# hooks, HPAs and Helm "# Source:" comments, about 800 bytes an object
# (8 MB for 10,000). Deterministic (fixed awk seed); not committed.
set -eu
out=$1
n=${2:-10000}
awk -v n="$n" '
function deployment(i, app,   r) {
	r = 2 + int(rand() * 4)
	printf "# Source: %s/templates/deployment.yaml\n", app
	printf "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s-%d\n", app, i
	printf "  labels:\n    app.kubernetes.io/name: %s\n    app.kubernetes.io/version: \"1.%d.%d\"\n", app, i % 7, i % 13
	printf "  annotations:\n    argocd.argoproj.io/sync-wave: \"%d\"\n", i % 3
	printf "spec:\n  replicas: %d\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: %s\n", r, app
	printf "  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: %s\n    spec:\n", app
	printf "      containers:\n        - name: %s\n          image: registry.example.com/%s:1.%d.%d\n", app, app, i % 7, i % 13
	printf "          ports:\n            - containerPort: 8080\n              name: http\n"
	printf "          env:\n            - name: LOG_LEVEL\n              value: info\n"
	printf "            - name: DATABASE_URL\n              valueFrom:\n                secretKeyRef:\n                  name: %s-db\n                  key: url\n", app
	printf "          livenessProbe:\n            httpGet:\n              path: /livez\n              port: http\n            failureThreshold: 6\n"
	printf "          readinessProbe:\n            httpGet:\n              path: /healthz\n              port: http\n            periodSeconds: 5\n"
	printf "          resources:\n            requests:\n              cpu: 100m\n              memory: 128Mi\n            limits:\n              memory: 256Mi\n"
}
function service(i, app) {
	printf "apiVersion: v1\nkind: Service\nmetadata:\n  name: %s-%d\nspec:\n  selector:\n    app.kubernetes.io/name: %s\n", app, i, app
	printf "  ports:\n    - name: http\n      port: 80\n      targetPort: http\n"
}
function configmap(i, app,   k) {
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s-config-%d\ndata:\n", app, i
	for (k = 0; k < 20; k++)
		printf "  KEY_%d: \"value %d of %s, %d\"\n", k, k, app, int(rand() * 100000)
	printf "  application.properties: |\n    server.port=8080\n    spring.datasource.hikari.maximum-pool-size=%d\n", 5 + i % 20
}
function job(i, app) {
	printf "apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: %s-migrate-\n", app
	printf "  annotations:\n    argocd.argoproj.io/hook: PreSync\n    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation\n"
	printf "spec:\n  backoffLimit: 0\n  activeDeadlineSeconds: 600\n  template:\n    spec:\n      restartPolicy: Never\n"
	printf "      terminationGracePeriodSeconds: 120\n      containers:\n        - name: flyway\n          image: flyway/flyway:10.17.0\n"
	printf "          args: [\"-connectRetries=10\", \"migrate\"]\n          resources:\n            limits:\n              memory: 512Mi\n"
}
function hpa(i, app) {
	printf "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: %s-%d\nspec:\n", app, i
	printf "  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: %s-%d\n  minReplicas: 2\n  maxReplicas: 10\n", app, i
}
BEGIN {
	srand(7)
	napps = split("orders billing users catalog search payments shipping inventory", apps, " ")
	for (i = 0; i < n; i++) {
		app = apps[i % napps + 1]
		printf "---\n"
		r = i % 10
		if (r < 4)
			deployment(i, app)
		else if (r < 6)
			service(i, app)
		else if (r < 8)
			configmap(i, app)
		else if (r < 9)
			job(i, app)
		else
			hpa(i, app)
	}
}' >"$out"
