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
app.kubernetes.io/part-of: dockernet-operator
{{ include "dockernet.selectorLabels" . }}
{{- end -}}

{{/* Every label of one role's pods: the common ones, the role, then podLabels. (dict "ctx" $ "role" "agent" "podLabels" ...) */}}
{{- define "dockernet.podLabels" -}}
{{ include "dockernet.labels" .ctx }}
app.kubernetes.io/component: {{ .role }}
{{- with .podLabels }}
{{ toYaml . }}
{{- end }}
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
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
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
  {{- toYaml .Values.probes.startup | nindent 2 }}
livenessProbe:
  httpGet: {path: /healthz, port: metrics}
  {{- toYaml .Values.probes.liveness | nindent 2 }}
readinessProbe:
  httpGet: {path: /readyz, port: metrics}
  {{- toYaml .Values.probes.readiness | nindent 2 }}
{{- end -}}
