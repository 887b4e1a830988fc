{{/*
Names, labels and the pieces every Deployment shares.
*/}}

{{/* The four services, in the order the gateway's callees come. */}}
{{- define "congxa.services" -}}
gateway content media analytics
{{- end -}}

{{- define "congxa.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* `<release>-<chart>`, or the release alone when it already says congxa. */}}
{{- define "congxa.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The name of one service's objects: (dict "root" $ "service" "gateway"). */}}
{{- define "congxa.serviceName" -}}
{{- printf "%s-%s" (include "congxa.fullname" .root | trunc 54 | trimSuffix "-") .service -}}
{{- end -}}

{{- define "congxa.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "congxa.selectorLabels" -}}
app.kubernetes.io/name: {{ include "congxa.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "congxa.labels" -}}
helm.sh/chart: {{ include "congxa.chart" . }}
{{ include "congxa.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: congxa
{{- end -}}

{{/* Selector labels of one service's pods: (dict "root" $ "service" "gateway"). */}}
{{- define "congxa.componentSelectorLabels" -}}
{{ include "congxa.selectorLabels" .root }}
app.kubernetes.io/component: {{ .service }}
{{- end -}}

{{- define "congxa.componentLabels" -}}
{{ include "congxa.labels" .root }}
app.kubernetes.io/component: {{ .service }}
{{- end -}}

{{- define "congxa.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{- define "congxa.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "congxa.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the secret settings: the user's, or the chart's. */}}
{{- define "congxa.secretName" -}}
{{- .Values.existingSecret | default (include "congxa.fullname" .) -}}
{{- end -}}

{{/* The hook Secret with the admin URL, for the migration Job only. */}}
{{- define "congxa.migrationSecretName" -}}
{{- printf "%s-migrate" (include "congxa.fullname" . | trunc 55 | trimSuffix "-") -}}
{{- end -}}

{{/* Secret values are refused alongside existingSecret, so that what runs
is never a mix nobody meant. */}}
{{- define "congxa.checkSecretSources" -}}
{{- if .Values.existingSecret -}}
{{- $given := list -}}
{{- range $path, $value := dict "database.url" .Values.database.url "database.adminUrl" .Values.database.adminUrl "redis.url" .Values.redis.url "s3.accessKey" .Values.s3.accessKey "s3.secretKey" .Values.s3.secretKey "smtp.url" .Values.smtp.url "telemetry.otlpEndpoint" .Values.telemetry.otlpEndpoint "telemetry.otlpHeaders" .Values.telemetry.otlpHeaders "operatorToken" .Values.operatorToken "internalToken" .Values.internalToken -}}
{{- if $value -}}{{- $given = append $given $path -}}{{- end -}}
{{- end -}}
{{- if $given -}}
{{- fail (printf "existingSecret is set: put %s into that Secret instead of the values" (join ", " $given)) -}}
{{- end -}}
{{- end -}}
{{- if and .Values.database.host (or .Values.database.url .Values.database.adminUrl) -}}
{{- fail "database.host builds the URLs: leave database.url and database.adminUrl empty" -}}
{{- end -}}
{{- if and .Values.database.host (not (and .Values.database.app.secret .Values.database.admin.secret)) -}}
{{- fail "database.host needs database.app.secret and database.admin.secret (Secrets with a username and a password)" -}}
{{- end -}}
{{- end -}}

{{/*
The environment entries of one secret setting: (dict "root" $ "key" "DATABASE_URL").
DATABASE_URL is built from parts when database.host is set; the S3 keys come
from s3.credentialsSecret when set; everything else from the Secret.
*/}}
{{- define "congxa.secretEnv" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $optional := has .key (list "CONGXA_OPERATOR_TOKEN" "CONGXA_SMTP_URL" "OTEL_EXPORTER_OTLP_ENDPOINT" "OTEL_EXPORTER_OTLP_HEADERS") -}}
{{- if and (eq .key "DATABASE_URL") $v.database.host }}
- name: CONGXA_DATABASE_USER
  valueFrom:
    secretKeyRef:
      name: {{ $v.database.app.secret }}
      key: {{ $v.database.app.usernameKey }}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $v.database.app.secret }}
      key: {{ $v.database.app.passwordKey }}
- name: DATABASE_URL
  value: {{ include "congxa.databaseUrl" (dict "root" $root "user" "$(CONGXA_DATABASE_USER)") | quote }}
{{- else if and (has .key (list "CONGXA_S3_ACCESS_KEY" "CONGXA_S3_SECRET_KEY")) $v.s3.credentialsSecret }}
- name: {{ .key }}
  valueFrom:
    secretKeyRef:
      name: {{ $v.s3.credentialsSecret }}
      key: {{ eq .key "CONGXA_S3_ACCESS_KEY" | ternary $v.s3.accessKeyKey $v.s3.secretKeyKey }}
{{- else if has .key (list "DATABASE_URL" "REDIS_URL" "CONGXA_S3_ACCESS_KEY" "CONGXA_S3_SECRET_KEY" "CONGXA_INTERNAL_TOKEN" "CONGXA_OPERATOR_TOKEN" "CONGXA_SMTP_URL" "OTEL_EXPORTER_OTLP_ENDPOINT" "OTEL_EXPORTER_OTLP_HEADERS") }}
- name: {{ .key }}
  valueFrom:
    secretKeyRef:
      name: {{ include "congxa.secretName" $root }}
      key: {{ .key }}
      {{- if $optional }}
      optional: true
      {{- end }}
{{- else }}
{{- fail (printf "secretEnv: %s is not a secret setting of congxa" .key) }}
{{- end }}
{{- end -}}

{{/* A database URL from parts: (dict "root" $ "user" "..."); the password comes as PGPASSWORD. */}}
{{- define "congxa.databaseUrl" -}}
{{- $db := .root.Values.database -}}
{{- printf "postgres://%s@%s:%v/%s?sslmode=%s" .user $db.host $db.port $db.name $db.sslMode -}}
{{- end -}}

{{/* The CA of PostgreSQL, when given: environment, mount and volume. */}}
{{- define "congxa.databaseCaEnv" -}}
{{- if .Values.database.caSecret }}
- name: PGSSLROOTCERT
  value: /etc/congxa/postgresql/{{ .Values.database.caKey }}
{{- end }}
{{- end -}}

{{- define "congxa.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.database.caSecret }}
- name: postgresql-ca
  mountPath: /etc/congxa/postgresql
  readOnly: true
{{- end }}
{{- end -}}

{{- define "congxa.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- if .Values.database.caSecret }}
- name: postgresql-ca
  secret:
    secretName: {{ .Values.database.caSecret }}
    items:
      - key: {{ .Values.database.caKey }}
        path: {{ .Values.database.caKey }}
{{- end }}
{{- end -}}
