// Command gitops-check says what GitOps tools make of a live Kubernetes object, using the code
// those tools run, so that the integration tests check the real verdicts rather than a copy of
// their rules:
//
//	gitops-check kstatus                       kstatus (sigs.k8s.io/cli-utils), as Flux, kpt
//	                                           and Config Sync read an object
//	gitops-check argocd SCRIPT.lua             an Argo CD health script, run the way Argo CD
//	                                           runs one from argocd-cm (gopher-lua, same libs)
//	gitops-check flux KUSTOMIZATION.yaml       the healthCheckExprs of a Flux Kustomization,
//	                                           evaluated the way Flux evaluates them (cel-go)
//
// The object is read as JSON from stdin; the verdict is printed as one JSON object
// {"status": "...", "message": "..."}. Built by hack/install-gitops-check.sh.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/ext"
	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/yaml"
)

type verdict struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: gitops-check kstatus | argocd SCRIPT.lua | flux KUSTOMIZATION.yaml  < object.json")
	}
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail("reading stdin: %v", err)
	}
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(in); err != nil {
		fail("stdin is not a Kubernetes object: %v", err)
	}
	var v verdict
	switch os.Args[1] {
	case "kstatus":
		v, err = kstatus(obj)
	case "argocd":
		v, err = argocd(obj, arg(2))
	case "flux":
		v, err = flux(obj, arg(2))
	default:
		fail("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail("%s: %v", os.Args[1], err)
	}
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	if err := out.Encode(v); err != nil {
		fail("writing the verdict: %v", err)
	}
}

func kstatus(obj *unstructured.Unstructured) (verdict, error) {
	res, err := status.Compute(obj)
	if err != nil {
		return verdict{}, err
	}
	return verdict{Status: res.Status.String(), Message: res.Message}, nil
}

// argocd runs a health script as Argo CD's util/lua runs one configured in argocd-cm: no standard
// libraries except package, base and table (useOpenLibs is off by default; Argo CD adds a reduced
// os library, which these scripts do not use), the object as the global `obj` (decoded like
// Argo CD's decodeValue), a one-second deadline, and the returned table as the health status.
func argocd(obj *unstructured.Unstructured, scriptFile string) (verdict, error) {
	script, err := os.ReadFile(scriptFile)
	if err != nil {
		return verdict{}, err
	}
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
	} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true},
			lua.LString(lib.name)); err != nil {
			return verdict{}, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", luaValue(l, obj.Object))
	if err := l.DoString(string(script)); err != nil {
		return verdict{}, err
	}
	result, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return verdict{}, fmt.Errorf("expect table output from Lua script, not %s", l.Get(-1).Type())
	}
	v := verdict{
		Status:  lua.LVAsString(result.RawGetString("status")),
		Message: lua.LVAsString(result.RawGetString("message")),
	}
	switch v.Status {
	case "Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown":
		return v, nil
	}
	// What Argo CD shows for a status it does not know.
	return verdict{Status: "Unknown", Message: "Lua returned an invalid health status"}, nil
}

func luaValue(l *lua.LState, value any) lua.LValue {
	switch v := value.(type) {
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case []any:
		t := l.CreateTable(len(v), 0)
		for _, item := range v {
			t.Append(luaValue(l, item))
		}
		return t
	case map[string]any:
		t := l.CreateTable(0, len(v))
		for key, item := range v {
			t.RawSetH(lua.LString(key), luaValue(l, item))
		}
		return t
	}
	return lua.LNil
}

type kustomization struct {
	Spec struct {
		HealthCheckExprs []struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Current    string `json:"current"`
			InProgress string `json:"inProgress"`
			Failed     string `json:"failed"`
		} `json:"healthCheckExprs"`
	} `json:"spec"`
}

// flux evaluates a Kustomization's healthCheckExprs entry for the object's kind as Flux does
// (fluxcd/pkg runtime/cel: StatusEvaluator.Evaluate and NewExpression): an observedGeneration
// behind metadata.generation is InProgress; otherwise inProgress, failed and current are tried in
// that order and the first true one wins; none true is InProgress; an evaluation error is an
// error (Flux then waits until its timeout).
func flux(obj *unstructured.Unstructured, kustomizationFile string) (verdict, error) {
	raw, err := os.ReadFile(kustomizationFile)
	if err != nil {
		return verdict{}, err
	}
	var k kustomization
	if err := yaml.Unmarshal(raw, &k); err != nil {
		return verdict{}, err
	}
	for _, check := range k.Spec.HealthCheckExprs {
		if check.APIVersion != obj.GetAPIVersion() || check.Kind != obj.GetKind() {
			continue
		}
		observed, found, err := unstructured.NestedInt64(obj.Object, "status", "observedGeneration")
		if err != nil {
			return verdict{}, err
		}
		if found && observed != obj.GetGeneration() {
			return verdict{Status: "InProgress", Message: "observedGeneration differs"}, nil
		}
		for _, e := range []struct{ name, expr, status string }{
			{"inProgress", check.InProgress, "InProgress"},
			{"failed", check.Failed, "Failed"},
			{"current", check.Current, "Current"},
		} {
			if e.expr == "" {
				continue
			}
			ok, err := evaluate(e.expr, obj.Object)
			if err != nil {
				return verdict{}, err
			}
			if ok {
				return verdict{Status: e.status, Message: "the " + e.name + " expression is true"}, nil
			}
		}
		return verdict{Status: "InProgress", Message: "no expression is true"}, nil
	}
	return verdict{}, fmt.Errorf("no healthCheckExprs entry for %s %s", obj.GetAPIVersion(), obj.GetKind())
}

func evaluate(expr string, object map[string]any) (bool, error) {
	env, err := cel.NewEnv(
		cel.HomogeneousAggregateLiterals(),
		cel.EagerlyValidateDeclarations(true),
		cel.DefaultUTCTimeZone(true),
		cel.CrossTypeNumericComparisons(true),
		cel.OptionalTypes(),
		ext.Strings(),
		ext.Sets(),
		ext.Encoders(),
	)
	if err != nil {
		return false, err
	}
	parsed, issues := env.Parse(expr)
	if issues != nil && issues.Err() != nil {
		return false, fmt.Errorf("parsing %q: %s", expr, issues.String())
	}
	program, err := env.Program(parsed, cel.EvalOptions(cel.OptOptimize), cel.InterruptCheckFrequency(100))
	if err != nil {
		return false, err
	}
	value, _, err := program.ContextEval(context.Background(), object)
	if err != nil {
		return false, fmt.Errorf("evaluating %q: %w", expr, err)
	}
	result, ok := value.(types.Bool)
	if !ok {
		return false, fmt.Errorf("%q is not a boolean expression", expr)
	}
	return bool(result), nil
}

func arg(i int) string {
	if len(os.Args) <= i {
		fail("%s needs a file argument", os.Args[1])
	}
	return os.Args[i]
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "gitops-check: "+format+"\n", a...)
	os.Exit(2)
}
