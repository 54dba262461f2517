{{/* Names and labels shared by every template. */}}

{{- define "dockernet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "dockernet.fullname" -}}
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

{{- define "dockernet.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{ include "dockernet.selectorLabels" . }}
{{- end -}}

{{- define "dockernet.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dockernet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Selector labels of one role: (dict "ctx" $ "role" "agent") */}}
{{- define "dockernet.roleSelectorLabels" -}}
{{ include "dockernet.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .role }}
{{- end -}}

{{- define "dockernet.agentServiceAccountName" -}}
{{- default (printf "%s-agent" (include "dockernet.fullname" .)) .Values.agent.serviceAccount.name -}}
{{- end -}}

{{- define "dockernet.controllerServiceAccountName" -}}
{{- default (printf "%s-controller" (include "dockernet.fullname" .)) .Values.controller.serviceAccount.name -}}
{{- end -}}

{{- define "dockernet.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Pod-level security: non-root, RuntimeDefault seccomp. */}}
{{- define "dockernet.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.runAsUser }}
runAsGroup: {{ .Values.runAsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container-level security: as tight as a socket mount allows. */}}
{{- define "dockernet.containerSecurityContext" -}}
privileged: false
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* Env and probes common to both roles. */}}
{{- define "dockernet.commonEnv" -}}
- name: HTTP_PORT
  value: {{ .Values.metrics.port | quote }}
- name: DOCKERNET_LOG_LEVEL
  value: {{ .Values.logging.level | quote }}
- name: DOCKERNET_LOG_FORMAT
  value: {{ .Values.logging.format | quote }}
{{- with .Values.javaToolOptions }}
- name: JAVA_TOOL_OPTIONS
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{- define "dockernet.probes" -}}
startupProbe:
  httpGet: {path: /healthz, port: metrics}
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet: {path: /healthz, port: metrics}
  periodSeconds: 10
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /readyz, port: metrics}
  periodSeconds: 5
  failureThreshold: 2
{{- end -}}
