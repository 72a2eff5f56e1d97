#!/usr/bin/env python3
"""A durable agent worker in plain Python (stdlib only) that ordeal can gate.

It runs the standard tool-calling loop against the world's HTTP API and keeps its own durable
journal (an append-only JSON-lines file, fsynced): every model call and tool call is a numbered
step whose result is journaled; a restarted worker replays journaled steps instead of redoing them.
Effects carry Idempotency-Key "<run id>:<step>" unless ORDEAL_IDEMPOTENCY=none.
"""
import json, os, signal, subprocess, sys, time, urllib.error, urllib.request

WORLD = os.environ["ORDEAL_WORLD_URL"]
RUN_ID = os.environ["ORDEAL_RUN_ID"]
DATA = os.path.join(os.environ["ORDEAL_DATA_DIR"], "custom")
WORKSPACE = os.environ["ORDEAL_WORKSPACE"]
KEYS = os.environ.get("ORDEAL_IDEMPOTENCY", "framework") == "framework"
PARENT = int(os.environ.get("ORDEAL_PARENT_PID", "0"))
JOURNAL = os.path.join(DATA, "journal.jsonl")
EFFECTS = {"send_email", "charge_card", "refund", "open_pr", "post_comment", "update_ticket"}

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))


def http(method, path, body=None, headers=None, retries=8):
    """One request to the world; connection errors and 5xx are retried, a 4xx is returned as {'error': ...}."""
    data = None if body is None else json.dumps(body).encode()
    h = {"content-type": "application/json", "X-Ordeal-Pid": str(os.getpid()), **(headers or {})}
    for attempt in range(retries):
        try:
            with urllib.request.urlopen(urllib.request.Request(WORLD + path, data=data, method=method, headers=h), timeout=60) as r:
                text = r.read().decode()
                return json.loads(text) if text else {}
        except urllib.error.HTTPError as e:
            if e.code < 500 and e.code not in (408, 429):
                return {"error": json.loads(e.read().decode() or "{}").get("error", {"code": e.code})}
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(min(2.0, 0.05 * 2 ** attempt))
    raise RuntimeError(f"world unreachable: {method} {path}")


def probe(point, **data):
    return http("POST", "/probe", {"point": point, **data})


def parent_alive():
    if not PARENT:
        return True
    try:
        os.kill(PARENT, 0)
        return True
    except OSError:
        return False


class Journal:
    """Step results by step number, plus how many times each step was started (its attempt)."""

    def __init__(self):
        self.results, self.starts = {}, {}
        if os.path.exists(JOURNAL):
            for line in open(JOURNAL):
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue  # a torn last line: the worker died mid-write
                if "result" in rec:
                    self.results[rec["step"]] = rec["result"]
                else:
                    self.starts[rec["step"]] = self.starts.get(rec["step"], 0) + 1

    def _append(self, rec):
        with open(JOURNAL, "a") as f:
            f.write(json.dumps(rec) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def step(self, n, name, run):
        """Runs `run(attempt)` once durably: a journaled result is returned without running it again."""
        if n in self.results:
            return self.results[n]
        attempt = self.starts.get(n, 0) + 1
        self.starts[n] = attempt
        self._append({"step": n, "started": name})
        probe("llm:before" if name == "llm" else "tool:before", step=n, attempt=attempt, detail={"name": name})
        result = run(attempt)
        self._append({"step": n, "result": result})
        self.results[n] = result
        probe("step:journaled", step=n, attempt=attempt, detail={"name": name})
        return result


def shell(command, n, attempt):
    probe("shell:before", step=n, attempt=attempt, detail={"command": command})
    p = subprocess.run(["bash", "-c", command], cwd=WORKSPACE, capture_output=True, text=True, timeout=60)
    return {"exitCode": p.returncode, "stdout": p.stdout[-4000:], "stderr": p.stderr[-4000:]}


def tool(name, args, n, attempt):
    if name == "shell":
        return shell(str(args.get("command", "")), n, attempt)
    if name == "read_resource":
        return http("GET", "/resources/" + urllib.request.quote(str(args["id"]), safe=""))
    if name == "write_resource":
        body = {"value": args.get("value")}
        if isinstance(args.get("version"), (int, float)):
            body["expectedVersion"] = args["version"]
        return http("PUT", "/resources/" + urllib.request.quote(str(args["id"]), safe=""), body)
    if name == "noop":
        return {"ok": True}
    if name in EFFECTS:
        return http("POST", "/effects/" + name, args, {"Idempotency-Key": f"{RUN_ID}:{n}"} if KEYS else {})
    return {"error": f"unknown tool {name}"}


def wait_file(path):
    while not os.path.exists(path):
        if not parent_alive():
            sys.exit(0)
        time.sleep(0.05)
    return json.load(open(path))


def agent(task):
    journal = Journal()
    messages = [{"role": "system", "content": task.get("system") or "You are a careful agent. Use the tools."}, {"role": "user", "content": task["task"]}]
    n = 0
    while True:
        reply = journal.step(n, "llm", lambda _a: http("POST", "/v1/chat/completions", {"model": "ordeal-scripted", "messages": messages})["choices"][0]["message"])
        n += 1
        messages.append(reply)
        calls = reply.get("tool_calls") or []
        if not calls:
            return reply.get("content") or ""
        for call in calls:
            name, args = call["function"]["name"], json.loads(call["function"]["arguments"] or "{}")
            if name == "request_approval":
                approval_id = f"{RUN_ID}:{n}"
                journal.step(n, "approval:request", lambda _a: http("POST", "/approvals", {"id": approval_id, "summary": str(args.get("summary", "")), "payload": args.get("payload")}))
                n += 1
                if n not in journal.results:
                    probe("approval:waiting", detail={"id": approval_id})
                result = journal.step(n, "approval:" + approval_id, lambda _a: wait_file(os.path.join(DATA, f"approval-{approval_id.replace(':', '_')}.json")))
            else:
                result = journal.step(n, "tool:" + name, lambda a, step=n: tool(name, args, step, a))
            n += 1
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": json.dumps(result)})


def main():
    os.makedirs(DATA, exist_ok=True)
    probe("worker:ready")
    task = wait_file(os.path.join(DATA, "task.json"))
    outcome = os.path.join(DATA, "outcome.json")
    if not os.path.exists(outcome):
        answer = agent(task)
        with open(outcome + ".tmp", "w") as f:
            json.dump({"status": "completed", "answer": answer}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(outcome + ".tmp", outcome)
    while parent_alive():  # a worker stays up until the harness stops it, like the other adapters' workers
        time.sleep(0.2)


main()
