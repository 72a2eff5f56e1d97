"""A worker's HTTP client for the world: model, effects, resources, approvals, probes (harness/agent/world-client.ts)."""
from __future__ import annotations

import http.client
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from email.utils import parsedate_to_datetime
from typing import Any, Literal, TypedDict

#: HTTP headers workers send to the world (harness/world/protocol.ts HEADERS)
PID_HEADER = "x-ordeal-pid"
IDEMPOTENCY_HEADER = "idempotency-key"

JSON = dict[str, Any]


class WorldHttpError(Exception):
    """An HTTP answer that is not 2xx. `retryable` is false for 4xx other than 408/409/429."""

    def __init__(self, status: int, body: Any, retry_after_ms: float | None = None) -> None:
        super().__init__(f"world answered {status}: {json.dumps(body)}")
        self.status = status
        self.body = body
        self.retry_after_ms = retry_after_ms

    @property
    def retryable(self) -> bool:
        return self.status >= 500 or self.status in (408, 429)


def parse_retry_after(header: str | None, now: float | None = None) -> float | None:
    """A `retry-after` header in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); None when absent or malformed."""
    v = (header or "").strip()
    if not v:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", v):
        return float(v) * 1000
    if not re.match(r"^[A-Za-z]{3}, ", v):  # an IMF-fixdate starts with the day's name
        return None
    try:
        at = parsedate_to_datetime(v).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, (at - (time.time() if now is None else now)) * 1000)


class ApprovalStatus(TypedDict, total=False):
    id: str
    status: Literal["pending", "approved", "rejected"]
    decision: JSON


class WorldClient:
    """Every request carries `X-Ordeal-Pid`, so the world names the process that sent it."""

    def __init__(self, url: str, pid: int | None = None) -> None:
        self.url = url.rstrip("/")
        self.pid = os.getpid() if pid is None else pid

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None, timeout_s: float = 30.0) -> Any:
        data = None if body is None else json.dumps(body).encode()
        h = {"content-type": "application/json", PID_HEADER: str(self.pid), **(headers or {})}
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=timeout_s) as res:
                text = res.read().decode()
                return json.loads(text) if text else {}
        except urllib.error.HTTPError as e:
            text = e.read().decode()
            try:
                parsed: Any = json.loads(text) if text else {}
            except ValueError:
                parsed = text
            raise WorldHttpError(e.code, parsed, parse_retry_after(e.headers.get("retry-after"))) from None

    def chat(self, messages: list[JSON], tools: list[JSON] | None = None) -> JSON:
        """One model call; returns `{message, usage}`."""
        r = self.request("POST", "/v1/chat/completions", {"model": "ordeal-scripted", "messages": messages, **({"tools": tools} if tools else {})})
        choices = r.get("choices") or []
        if not choices:
            raise RuntimeError("world: chat completion without choices")
        return {"message": choices[0]["message"], "usage": r.get("usage", {})}

    def effect(self, type_: str, args: JSON, idempotency_key: str | None = None, timeout_s: float = 30.0) -> JSON:
        headers = {IDEMPOTENCY_HEADER: idempotency_key} if idempotency_key else {}
        result: JSON = self.request("POST", f"/effects/{type_}", args, headers, timeout_s)
        return result

    def read_resource(self, id_: str) -> JSON:
        result: JSON = self.request("GET", f"/resources/{urllib.parse.quote(id_, safe='')}")
        return result

    def write_resource(self, id_: str, value: Any, expected_version: int | float | None = None) -> JSON:
        body: JSON = {"value": value, **({"expectedVersion": expected_version} if expected_version is not None else {})}
        result: JSON = self.request("PUT", f"/resources/{urllib.parse.quote(id_, safe='')}", body)
        return result

    def request_approval(self, id_: str, summary: str, payload: Any) -> JSON:
        result: JSON = self.request("POST", "/approvals", {"id": id_, "summary": summary, "payload": payload})
        return result

    def approval_status(self, id_: str) -> ApprovalStatus:
        result: ApprovalStatus = self.request("GET", f"/approvals/{urllib.parse.quote(id_, safe='')}")
        return result

    def wait_for_decision(self, id_: str, every_s: float = 0.05) -> ApprovalStatus:
        """Polls the world's approval inbox until a human has decided."""
        while True:
            try:
                a = self.approval_status(id_)
                if a.get("status") != "pending":
                    return a
            except (WorldHttpError, OSError):
                pass
            time.sleep(every_s)

    def probe(self, point: str, step: int | str | None = None, attempt: int | None = None, replayed: bool | None = None, detail: JSON | None = None) -> Any:
        """Tells the world where the worker is (fault triggers fire on probes); `ORDEAL_PROBES=off` keeps only `worker:ready`.

        A probe is ordeal's instrumentation, not the agent's work: one that the network loses (a net fault between worker
        and world, which can fire on this very probe and so cut off its answer) returns `{}` with a line on stderr, so
        that it never fails a node, a checkpoint or a workflow the agent itself would have completed; a trigger it leaves
        unfired is reported by the `faults-applied` checker. An answer from the world (WorldHttpError) and `worker:ready`
        still raise.
        """
        if os.environ.get("ORDEAL_PROBES") == "off" and point != "worker:ready":
            return {}
        body: JSON = {"point": point}
        if step is not None:
            body["step"] = step
        if attempt is not None:
            body["attempt"] = attempt
        if replayed is not None:
            body["replayed"] = replayed
        if detail is not None:
            body["detail"] = detail
        if point == "worker:ready":
            return self.request("POST", "/probe", body)
        try:
            return self.request("POST", "/probe", body)
        except (OSError, http.client.HTTPException) as e:
            sys.stderr.write(f"ordeal worker: probe {point} lost on the way to the world ({e!r})\n")
            return {}
