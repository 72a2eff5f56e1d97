// A durable agent worker in Go (standard library only) that ordeal can gate: the same tool-calling loop as ordeal's
// own workers, spoken to the world over its HTTP API (harness/world/README.md), with a journal of its own.
//
// Every model call and tool call is a numbered step. Its start and its result are appended to a JSON-lines file and
// fsynced; a restarted worker returns journaled results instead of running their steps again, and runs a started but
// unfinished step again. Effects carry "Idempotency-Key: <run id>:<step>" unless ORDEAL_IDEMPOTENCY=none, so the
// world can tell a re-run effect from a new one.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type object = map[string]any

// env is what the orchestrator tells a worker through its environment (adapter.mjs passes workerEnv(ctx)).
type env struct {
	runID, worldURL, dataDir, workspace string
	keys                                bool
	parentPID                           int
	probes                              bool
}

func readEnv() env {
	need := func(k string) string {
		v := os.Getenv(k)
		if v == "" {
			fail("environment variable %s is not set (workers are started by ordeal)", k)
		}
		return v
	}
	idem := need("ORDEAL_IDEMPOTENCY")
	if idem != "framework" && idem != "none" {
		fail("ORDEAL_IDEMPOTENCY must be framework or none, got %q", idem)
	}
	ppid, _ := strconv.Atoi(os.Getenv("ORDEAL_PARENT_PID"))
	return env{
		runID: need("ORDEAL_RUN_ID"), worldURL: strings.TrimRight(need("ORDEAL_WORLD_URL"), "/"),
		dataDir: filepath.Join(need("ORDEAL_DATA_DIR"), "go-worker"), workspace: need("ORDEAL_WORKSPACE"),
		keys: idem == "framework", parentPID: ppid, probes: os.Getenv("ORDEAL_PROBES") != "off",
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "go worker: "+format+"\n", args...)
	os.Exit(1)
}

// worldError is an answer from the world that is not 2xx: 4xx (but 408 and 429) is meant, the rest worth retrying.
type worldError struct {
	status int
	body   any
}

func (e *worldError) Error() string { return fmt.Sprintf("world answered %d: %v", e.status, e.body) }
func (e *worldError) retryable() bool {
	return e.status >= 500 || e.status == 408 || e.status == 429
}

type world struct {
	url    string
	client *http.Client
}

// call sends one request with X-Ordeal-Pid (the world names the process by it) and decodes the JSON answer.
func (w world) call(method, path string, body any, header map[string]string, timeout time.Duration) (any, error) {
	var payload io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		payload = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, w.url+path, payload)
	if err != nil {
		return nil, err
	}
	req.Header.Set("content-type", "application/json")
	req.Header.Set("x-ordeal-pid", strconv.Itoa(os.Getpid()))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := *w.client
	client.Timeout = timeout
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	text, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	var parsed any = object{}
	if len(text) > 0 {
		if json.Unmarshal(text, &parsed) != nil {
			parsed = string(text)
		}
	}
	if res.StatusCode >= 300 {
		return nil, &worldError{res.StatusCode, parsed}
	}
	return parsed, nil
}

// retried retries what the network lost and what the world says is worth retrying; a meant 4xx becomes the tool's
// {"error": …} result, as the other workers have it.
func retried(do func() (any, error)) any {
	for attempt := 0; attempt < 8; attempt++ {
		v, err := do()
		if err == nil {
			return v
		}
		var we *worldError
		if errors.As(err, &we) && !we.retryable() {
			if m, ok := we.body.(object); ok && m["error"] != nil {
				return object{"error": m["error"]}
			}
			return object{"error": object{"code": we.status}}
		}
		time.Sleep(min(2*time.Second, 50*time.Millisecond<<attempt))
	}
	fail("the world is unreachable")
	return nil
}

// probe tells the world where the worker is: faults fire on probes. A probe the network lost is dropped (the world
// may have seen it); worker:ready and any answer from the world are errors.
func (w world) probe(e env, point string, step, attempt int, detail object) any {
	if !e.probes && point != "worker:ready" {
		return object{}
	}
	body := object{"point": point}
	if step >= 0 {
		body["step"] = step
		body["attempt"] = attempt
	}
	if detail != nil {
		body["detail"] = detail
	}
	v, err := w.call("POST", "/probe", body, nil, 30*time.Second)
	var we *worldError
	switch {
	case err == nil:
		return v
	case point == "worker:ready" || errors.As(err, &we):
		fail("probe %s: %v", point, err)
	}
	fmt.Fprintf(os.Stderr, "go worker: probe %s lost on the way to the world (%v)\n", point, err)
	return object{}
}

// journal holds the results of finished steps and how often each step was started.
type journal struct {
	path    string
	results map[int]json.RawMessage
	starts  map[int]int
}

func openJournal(path string) *journal {
	j := &journal{path: path, results: map[int]json.RawMessage{}, starts: map[int]int{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return j
	} else if err != nil {
		fail("journal: %v", err)
	}
	// a torn last line (a death or a power cut mid-write) is cut off, so that the next record starts a line
	whole := data[:bytes.LastIndexByte(data, '\n')+1]
	if len(whole) != len(data) {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err == nil {
			err = f.Truncate(int64(len(whole)))
		}
		if err == nil {
			err = f.Sync()
			f.Close()
		}
		if err != nil {
			fail("journal: cutting off a torn line: %v", err)
		}
	}
	for _, line := range bytes.Split(whole, []byte{'\n'}) {
		if len(line) == 0 {
			continue
		}
		var rec struct {
			Step   int             `json:"step"`
			Result json.RawMessage `json:"result"`
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			fail("journal: %v", err)
		}
		if rec.Result != nil {
			j.results[rec.Step] = rec.Result
		} else {
			j.starts[rec.Step]++
		}
	}
	return j
}

// append writes one record and fsyncs it. A write the disk refuses (full) is cut off again and retried once it has
// room, for up to a minute; a failed fsync stops the worker (retried, it would succeed without the lost pages).
func (j *journal) append(rec object) {
	line, err := json.Marshal(rec)
	if err != nil {
		fail("journal: %v", err)
	}
	line = append(line, '\n')
	for waited := time.Duration(0); ; waited += 100 * time.Millisecond {
		f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err == nil {
			var info os.FileInfo
			if info, err = f.Stat(); err == nil {
				if _, err = f.Write(line); err != nil {
					f.Truncate(info.Size())
				}
			}
			if err != nil {
				f.Close()
			}
		}
		if err != nil {
			if !errors.Is(err, syscall.ENOSPC) || waited >= time.Minute {
				fail("journal: %v", err)
			}
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if err := f.Sync(); err != nil {
			fmt.Fprintf(os.Stderr, "go worker: journal: fsync failed (%v); stopping\n", err)
			os.Exit(74)
		}
		f.Close()
		return
	}
}

// stepAttempts is how many times a step whose run failed (a checked command that exited non-zero) is run in all.
const stepAttempts = 3

// step runs `run` once durably: a journaled result is decoded into out without running it again. A run that fails is
// run again, up to stepAttempts in all, counting the attempts a crash cut short; the last failure is the step's result.
func (j *journal) step(w world, e env, n int, name string, out any, run func(attempt int) (any, error)) {
	if raw, ok := j.results[n]; ok {
		if err := json.Unmarshal(raw, out); err != nil {
			fail("journal: step %d: %v", n, err)
		}
		return
	}
	point := "tool:before"
	if name == "llm" {
		point = "llm:before"
	}
	var result any
	var attempt int
	for {
		j.starts[n]++
		attempt = j.starts[n]
		j.append(object{"step": n, "started": name})
		w.probe(e, point, n, attempt, object{"name": name})
		var err error
		if result, err = run(attempt); err == nil {
			break
		} else if attempt >= stepAttempts {
			result = object{"error": err.Error()}
			break
		}
		time.Sleep(100 * time.Millisecond << (attempt - 1))
	}
	raw, err := json.Marshal(result)
	if err != nil {
		fail("step %d: %v", n, err)
	}
	j.append(object{"step": n, "result": json.RawMessage(raw)})
	j.results[n] = raw
	w.probe(e, "step:journaled", n, attempt, object{"name": name})
	if err := json.Unmarshal(raw, out); err != nil {
		fail("step %d: %v", n, err)
	}
}

type toolCall struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

type message struct {
	Role       string     `json:"role"`
	Content    *string    `json:"content"`
	ToolCalls  []toolCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
}

var effectTools = map[string]bool{"send_email": true, "charge_card": true, "refund": true, "open_pr": true, "post_comment": true, "update_ticket": true}

// partialPrelude makes bash stop with exit 97 after k sub-operations, when a partial-shell fault says so.
const partialPrelude = `__ordeal_ops=0; trap '__ordeal_ops=$((__ordeal_ops+1)); if [ "$__ordeal_ops" -gt "$ORDEAL_PARTIAL_SHELL_K" ]; then ` +
	`echo "ordeal partial-shell: stopped after $ORDEAL_PARTIAL_SHELL_K sub-operation(s)" >&2; exit 97; fi' DEBUG`

func tail(s string) string {
	if len(s) > 4000 {
		return s[len(s)-4000:]
	}
	return s
}

// shell runs real bash in the workspace; the world hears of it first, so that shell faults can fire.
func shell(w world, e env, command string, step, attempt int) object {
	plan, _ := w.probe(e, "shell:before", step, attempt, object{"command": command}).(object)
	script, extra := command, []string{}
	if partial, ok := plan["partial"].(object); ok {
		script = partialPrelude + "\n" + command
		extra = append(extra, fmt.Sprintf("ORDEAL_PARTIAL_SHELL_K=%v", partial["k"]))
	}
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir, cmd.Env = e.workspace, append(os.Environ(), extra...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := 0
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return object{"exitCode": 127, "stdout": "", "stderr": err.Error()}
		}
		code = exit.ExitCode()
		if code < 0 {
			code = 128 // killed by a signal
		}
	}
	return object{"exitCode": code, "stdout": tail(stdout.String()), "stderr": tail(stderr.String())}
}

// toolTimeout is how long an effect call may take (ORDEAL_TOOL_TIMEOUT_MS, set for tool-timeout faults).
func toolTimeout() time.Duration {
	if ms, err := strconv.ParseFloat(os.Getenv("ORDEAL_TOOL_TIMEOUT_MS"), 64); err == nil && ms > 0 {
		return time.Duration(ms * float64(time.Millisecond))
	}
	return 30 * time.Second
}

// runTool runs one tool call; a checked command that exits non-zero is an error, which fails (and retries) its step.
func runTool(w world, e env, name string, args object, step, attempt int) (any, error) {
	switch {
	case name == "shell":
		command, _ := args["command"].(string)
		r := shell(w, e, command, step, attempt)
		if args["check"] == true && r["exitCode"] != 0 {
			return nil, fmt.Errorf("shell command exited %v: %s", r["exitCode"], r["stderr"])
		}
		return r, nil
	case name == "read_resource":
		id, _ := args["id"].(string)
		return retried(func() (any, error) { return w.call("GET", "/resources/"+url.PathEscape(id), nil, nil, 30*time.Second) }), nil
	case name == "write_resource":
		id, _ := args["id"].(string)
		body := object{"value": args["value"]}
		if v, ok := args["version"].(float64); ok {
			body["expectedVersion"] = v
		}
		return retried(func() (any, error) { return w.call("PUT", "/resources/"+url.PathEscape(id), body, nil, 30*time.Second) }), nil
	case name == "noop":
		return object{"ok": true}, nil
	case effectTools[name]:
		header := map[string]string{}
		if e.keys {
			header["idempotency-key"] = fmt.Sprintf("%s:%d", e.runID, step)
		}
		return retried(func() (any, error) { return w.call("POST", "/effects/"+name, args, header, toolTimeout()) }), nil
	}
	return object{"error": fmt.Sprintf("unknown tool '%s'", name)}, nil
}

func schema(name, description string, properties object, required ...string) object {
	return object{"type": "function", "function": object{"name": name, "description": description,
		"parameters": object{"type": "object", "properties": properties, "required": append([]string{}, required...)}}}
}

var (
	str, num    = object{"type": "string"}, object{"type": "number"}
	toolSchemas = []object{
		schema("shell", "Run a bash command in the workspace (check: a non-zero exit fails the call)", object{"command": str, "check": object{"type": "boolean"}}, "command"),
		schema("read_resource", "Read a versioned resource", object{"id": str}, "id"),
		schema("write_resource", "Write a versioned resource", object{"id": str, "value": object{}, "version": num}, "id", "value"),
		schema("request_approval", "Ask a human to approve", object{"summary": str, "payload": object{"type": "object"}}, "summary"),
		schema("send_email", "Send an email", object{"to": str, "subject": str, "body": str}, "to"),
		schema("charge_card", "Charge a card", object{"customer": str, "amount": num}, "amount"),
		schema("refund", "Refund an order", object{"order": str, "amount": num}, "order"),
		schema("open_pr", "Open a pull request", object{"repo": str, "title": str, "branch": str}, "title"),
		schema("post_comment", "Post a comment", object{"issue": num, "body": str}, "body"),
		schema("update_ticket", "Update a ticket", object{"ticket": str, "status": str}, "ticket"),
		schema("noop", "Do nothing", object{}),
	}
)

func parentAlive(pid int) bool { return pid == 0 || syscall.Kill(pid, 0) == nil }

// waitFile waits for a JSON file the adapter writes (the task, a human's decision), and exits with the orchestrator.
func waitFile(e env, path string, out any) {
	for {
		if b, err := os.ReadFile(path); err == nil {
			if err := json.Unmarshal(b, out); err != nil {
				fail("%s: %v", path, err)
			}
			return
		}
		if !parentAlive(e.parentPID) {
			os.Exit(0)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type task struct {
	Task   string  `json:"task"`
	System *string `json:"system"`
}

func agent(w world, e env, t task) string {
	j := openJournal(filepath.Join(e.dataDir, "journal.jsonl"))
	system := "You are a careful agent. Use the tools." // the words of every ordeal agent loop, so that token counts compare
	if t.System != nil && *t.System != "" {
		system = *t.System
	}
	messages := []any{object{"role": "system", "content": system}, object{"role": "user", "content": t.Task}}
	for n := 0; ; {
		var reply message
		j.step(w, e, n, "llm", &reply, func(int) (any, error) {
			r, _ := retried(func() (any, error) {
				return w.call("POST", "/v1/chat/completions", object{"model": "ordeal-scripted", "messages": messages, "tools": toolSchemas}, nil, 60*time.Second)
			}).(object)
			choices, _ := r["choices"].([]any)
			if len(choices) == 0 {
				fail("the model answered without choices: %v", r)
			}
			return choices[0].(object)["message"], nil
		})
		n++
		messages = append(messages, reply)
		if len(reply.ToolCalls) == 0 {
			if reply.Content == nil {
				return ""
			}
			return *reply.Content
		}
		for _, call := range reply.ToolCalls {
			args := object{}
			if err := json.Unmarshal([]byte(call.Function.Arguments), &args); err != nil && call.Function.Arguments != "" {
				args = object{}
			}
			var result any
			if call.Function.Name == "request_approval" {
				id := fmt.Sprintf("%s:%d", e.runID, n)
				var asked any
				j.step(w, e, n, "approval:request", &asked, func(int) (any, error) {
					summary, _ := args["summary"].(string)
					return retried(func() (any, error) {
						return w.call("POST", "/approvals", object{"id": id, "summary": summary, "payload": args["payload"]}, nil, 30*time.Second)
					}), nil
				})
				n++
				if _, decided := j.results[n]; !decided {
					w.probe(e, "approval:waiting", -1, 0, object{"id": id})
				}
				j.step(w, e, n, "approval:"+id, &result, func(int) (any, error) {
					var decision any
					waitFile(e, filepath.Join(e.dataDir, "approval-"+strings.ReplaceAll(id, ":", "_")+".json"), &decision)
					return decision, nil
				})
			} else {
				step := n
				j.step(w, e, n, "tool:"+call.Function.Name, &result, func(attempt int) (any, error) {
					return runTool(w, e, call.Function.Name, args, step, attempt)
				})
			}
			n++
			content, _ := json.Marshal(result)
			messages = append(messages, object{"role": "tool", "tool_call_id": call.ID, "content": string(content)})
		}
	}
}

// writeDurably writes a file whole or not at all: a temporary file, fsynced, renamed over the name.
func writeDurably(path string, value any) {
	b, err := json.Marshal(value)
	if err != nil {
		fail("%s: %v", path, err)
	}
	f, err := os.Create(path + ".tmp")
	if err == nil {
		_, err = f.Write(b)
		if err == nil {
			err = f.Sync()
		}
		f.Close()
	}
	if err == nil {
		err = os.Rename(path+".tmp", path)
	}
	if err != nil {
		fail("%s: %v", path, err)
	}
}

// lock is the open worker.lock, kept referenced: its descriptor holds the lock until the process ends.
var lock *os.File

// holdLock makes this the one worker of the run: a second replica (extra-worker) waits here until the first one is
// gone, so that the two never run the journal's steps side by side. The lock dies with its holder, however it dies.
func holdLock(dir string) {
	f, err := os.OpenFile(filepath.Join(dir, "worker.lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err == nil {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
	}
	if err != nil {
		fail("worker.lock: %v", err)
	}
	lock = f
}

func main() {
	e := readEnv()
	w := world{url: e.worldURL, client: &http.Client{}}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() { <-signals; os.Exit(0) }()
	go func() { // no worker outlives the orchestrator, even one SIGKILLed
		for parentAlive(e.parentPID) {
			time.Sleep(500 * time.Millisecond)
		}
		os.Exit(70)
	}()
	if err := os.MkdirAll(e.dataDir, 0o755); err != nil {
		fail("%v", err)
	}
	w.probe(e, "worker:ready", -1, 0, nil)
	holdLock(e.dataDir)
	var t task
	waitFile(e, filepath.Join(e.dataDir, "task.json"), &t)
	outcome := filepath.Join(e.dataDir, "outcome.json")
	if _, err := os.Stat(outcome); errors.Is(err, os.ErrNotExist) {
		writeDurably(outcome, object{"status": "completed", "answer": agent(w, e, t)})
	}
	select {} // a worker stays up until the harness stops it, like every adapter's worker
}
