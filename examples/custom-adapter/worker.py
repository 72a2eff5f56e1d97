#!/usr/bin/env python3
"""A durable agent worker in plain Python that ordeal can gate, on ordeal's Python worker kit (python/, stdlib only here).

It runs the standard tool-calling loop against the world and keeps its own durable journal (an append-only JSON-lines
file, fsynced): every model call and tool call is a numbered step whose result is journaled; a restarted worker replays
journaled steps instead of redoing them. Effects carry Idempotency-Key "<run id>:<step>" unless ORDEAL_IDEMPOTENCY=none.
"""
import errno, fcntl, json, os, signal, sys, time

# ordeal_worker is on PYTHONPATH: the adapter starts this worker with pythonWorkerEnv(ctx) from ordeal/adapter
from ordeal_worker import TOOL_SCHEMAS, ToolContext, WorldClient, WorldHttpError, opening_messages, parent_alive, read_worker_env, run_tool, tool_args

ENV = read_worker_env()
WORLD = WorldClient(ENV.world_url)
DATA = os.path.join(ENV.data_dir, "custom")
JOURNAL = os.path.join(DATA, "journal.jsonl")

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))


def retried(call, retries=8):
    """Connection errors and retryable answers are retried; a 4xx the world meant is returned as {'error': ...}."""
    for attempt in range(retries):
        try:
            return call()
        except WorldHttpError as e:
            if not e.retryable:
                return {"error": e.body.get("error", {"code": e.status}) if isinstance(e.body, dict) else {"code": e.status}}
        except OSError:
            pass
        time.sleep(min(2.0, 0.05 * 2**attempt))
    raise RuntimeError("world unreachable")


class Journal:
    """Step results by step number, plus how many times each step was started (its attempt)."""

    def __init__(self):
        self.results, self.starts = {}, {}
        if os.path.exists(JOURNAL):
            with open(JOURNAL, "rb+") as f:
                data = f.read()
                whole = data[: data.rfind(b"\n") + 1]
                if len(whole) != len(data):  # a torn last line (a death or a power cut mid-write): cut off, so the next record starts a line
                    f.truncate(len(whole))
                    os.fsync(f.fileno())
            for line in whole.decode().splitlines():
                rec = json.loads(line)
                if "result" in rec:
                    self.results[rec["step"]] = rec["result"]
                else:
                    self.starts[rec["step"]] = self.starts.get(rec["step"], 0) + 1

    def _append(self, rec):
        """Appends one record and fsyncs it. A write the disk refuses (full) is cut off again and retried once it has room,
        for up to a minute; a failed fsync stops the worker (retried, it would succeed without the lost pages)."""
        line = (json.dumps(rec) + "\n").encode()
        for waited in range(600):
            fd, size = None, 0
            try:
                fd = os.open(JOURNAL, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                size = os.fstat(fd).st_size
                written = 0
                while written < len(line):
                    written += os.write(fd, line[written:])
            except OSError as e:
                if fd is not None:
                    os.ftruncate(fd, size)
                    os.close(fd)
                if e.errno != errno.ENOSPC or waited == 599:
                    raise
                time.sleep(0.1)
                continue
            try:
                os.fsync(fd)
            except OSError as e:
                sys.stderr.write(f"journal: fsync failed ({e}); stopping\n")
                os._exit(74)
            os.close(fd)
            return

    def step(self, n, name, run):
        """Runs `run(attempt)` once durably: a journaled result is returned without running it again."""
        if n in self.results:
            return self.results[n]
        attempt = self.starts.get(n, 0) + 1
        self.starts[n] = attempt
        self._append({"step": n, "started": name})
        retried(lambda: WORLD.probe("llm:before" if name == "llm" else "tool:before", step=n, attempt=attempt, detail={"name": name}))
        result = run(attempt)
        self._append({"step": n, "result": result})
        self.results[n] = result
        retried(lambda: WORLD.probe("step:journaled", step=n, attempt=attempt, detail={"name": name}))
        return result


def tool(name, args, n, attempt):
    key = f"{ENV.run_id}:{n}" if ENV.idempotency == "framework" else None
    args = {k: v for k, v in args.items() if k != "check"}  # a failed command is a journaled result here, not a retried step
    try:
        return retried(lambda: run_tool(name, args, ToolContext(WORLD, ENV.workspace, key, n, attempt)))
    except ValueError as e:  # an unknown tool is the tool's error, not a crash
        return {"error": str(e)}


def wait_file(path):
    while not os.path.exists(path):
        if not parent_alive(ENV.parent_pid):
            sys.exit(0)
        time.sleep(0.05)
    return json.load(open(path))


def agent(task):
    journal = Journal()
    messages = list(opening_messages(task["task"], task.get("system")))
    n = 0
    while True:
        reply = journal.step(n, "llm", lambda _a: retried(lambda: WORLD.chat(messages, TOOL_SCHEMAS))["message"])
        n += 1
        messages.append(reply)
        calls = reply.get("tool_calls") or []
        if not calls:
            return reply.get("content") or ""
        for call in calls:
            name, args = call["function"]["name"], tool_args(call["function"]["arguments"])
            if name == "request_approval":
                approval_id = f"{ENV.run_id}:{n}"
                journal.step(n, "approval:request", lambda _a: retried(lambda: WORLD.request_approval(approval_id, str(args.get("summary", "")), args.get("payload"))))
                n += 1
                if n not in journal.results:
                    retried(lambda: WORLD.probe("approval:waiting", detail={"id": approval_id}))
                result = journal.step(n, "approval:" + approval_id, lambda _a: wait_file(os.path.join(DATA, f"approval-{approval_id.replace(':', '_')}.json")))
            else:
                result = journal.step(n, "tool:" + name, lambda a, step=n: tool(name, args, step, a))
            n += 1
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": json.dumps(result)})


def hold_lock():
    """One worker of a run at a time: a second replica (extra-worker) waits here until the first one is gone, so that the
    two never run the journal's steps side by side. The lock dies with its holder, however it dies."""
    fd = os.open(os.path.join(DATA, "worker.lock"), os.O_RDWR | os.O_CREAT, 0o644)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if not parent_alive(ENV.parent_pid):
                sys.exit(0)
            time.sleep(0.05)


def main():
    os.makedirs(DATA, exist_ok=True)
    retried(lambda: WORLD.probe("worker:ready"))
    lock = hold_lock()  # noqa: F841 (held until the process ends)
    task = wait_file(os.path.join(DATA, "task.json"))
    outcome = os.path.join(DATA, "outcome.json")
    if not os.path.exists(outcome):
        answer = agent(task)
        with open(outcome + ".tmp", "w") as f:
            json.dump({"status": "completed", "answer": answer}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(outcome + ".tmp", outcome)
    while parent_alive(ENV.parent_pid):  # a worker stays up until the harness stops it, like the other adapters' workers
        time.sleep(0.2)


main()
