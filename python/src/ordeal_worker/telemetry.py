"""OpenTelemetry for a Python worker: spans to the world's `/v1/traces` with the GenAI names and ordeal's attributes.

The names mirror harness/telemetry/attributes.ts and spans.ts; `ORDEAL_SPAN_EXPORT` (simple | batch | off) is honoured.
"""
from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from opentelemetry.trace import Span, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import AttributeValue

from .world import PID_HEADER


class ATTR:
    """Attribute names: the OpenTelemetry GenAI conventions plus ordeal's durability attributes (docs/telemetry.md)."""

    operation = "gen_ai.operation.name"
    system = "gen_ai.system"
    model = "gen_ai.request.model"
    agent_name = "gen_ai.agent.name"
    tool_name = "gen_ai.tool.name"
    tool_call_id = "gen_ai.tool.call.id"
    input_tokens = "gen_ai.usage.input_tokens"
    output_tokens = "gen_ai.usage.output_tokens"
    run_id = "ordeal.run_id"
    step = "ordeal.step"
    attempt = "ordeal.attempt"
    replayed = "ordeal.replayed"
    idempotency_key = "ordeal.idempotency_key"
    fault = "ordeal.fault"
    process = "ordeal.process"


#: span names of the GenAI conventions: `{operation} {model | tool | agent}`
OPERATION_AGENT = "invoke_agent"
OPERATION_CHAT = "chat"
OPERATION_TOOL = "execute_tool"

SpanExport = Literal["simple", "batch", "off"]
SPAN_EXPORTS: tuple[SpanExport, ...] = ("simple", "batch", "off")


def span_export_of(env: Mapping[str, str] | None = None) -> SpanExport:
    """`ORDEAL_SPAN_EXPORT`: unset or empty is `simple`; anything but simple, batch or off is an error naming the values."""
    v = (os.environ if env is None else env).get("ORDEAL_SPAN_EXPORT", "")
    if v == "":
        return "simple"
    for s in SPAN_EXPORTS:
        if v == s:
            return s
    raise ValueError(f"ORDEAL_SPAN_EXPORT={v}: expected one of {', '.join(SPAN_EXPORTS)}")


def traces_url(endpoint: str) -> str:
    """OTLP/HTTP endpoint for traces: a base URL gets `/v1/traces`, a full path is kept."""
    from urllib.parse import urlsplit, urlunsplit

    u = urlsplit(endpoint)
    path = "/v1/traces" if u.path in ("", "/") else u.path
    return urlunsplit((u.scheme, u.netloc, path, u.query, u.fragment))


@dataclass
class Tracing:
    tracer: trace.Tracer
    #: the case's context (from `traceparent`): the parent of spans started outside any other span
    case_context: Context
    run_id: str | None
    provider: TracerProvider | None

    def shutdown(self, timeout_s: float = 1.0) -> None:
        """Flushes what was ended and stops exporting; bounded so exit never hangs."""
        if self.provider is not None:
            self.provider.force_flush(int(timeout_s * 1000))
            self.provider.shutdown()


_active: Tracing | None = None


def current_tracing() -> Tracing | None:
    return _active


def context_from_traceparent(traceparent: str | None) -> Context:
    if not traceparent:
        return Context()
    return TraceContextTextMapPropagator().extract({"traceparent": traceparent})


def start_tracing(
    service_name: str,
    world_url: str | None,
    run_id: str | None = None,
    traceparent: str | None = None,
    otlp_endpoint: str | None = None,
    processor: SpanExport = "simple",
    resource: Mapping[str, AttributeValue] | None = None,
) -> Tracing:
    """Starts OpenTelemetry for this process; call once, first thing in the worker. `off` starts no SDK (spans are no-ops)."""
    global _active
    if _active is not None:
        return _active
    case_context = context_from_traceparent(traceparent)
    if processor == "off":
        _active = Tracing(trace.NoOpTracer(), case_context, run_id, None)
        return _active
    attrs: dict[str, AttributeValue] = {"service.name": service_name, "process.pid": os.getpid(), **({ATTR.run_id: run_id} if run_id else {}), **(resource or {})}
    provider = TracerProvider(resource=Resource.create(attrs))
    exporters: list[SpanExporter] = []
    # the pid header lets the world name the sender, as with every other request
    if world_url:
        exporters.append(OTLPSpanExporter(endpoint=f"{world_url.rstrip('/')}/v1/traces", headers={PID_HEADER: str(os.getpid())}, timeout=3))
    if otlp_endpoint:
        exporters.append(OTLPSpanExporter(endpoint=traces_url(otlp_endpoint), timeout=3))
    for e in exporters:
        p: SpanProcessor = BatchSpanProcessor(e, schedule_delay_millis=100, max_export_batch_size=256, max_queue_size=4096) if processor == "batch" else SimpleSpanProcessor(e)
        provider.add_span_processor(p)
    _active = Tracing(provider.get_tracer("ordeal"), case_context, run_id, provider)
    return _active


def start_worker_tracing(service_name: str, env: Mapping[str, str] | None = None) -> Tracing:
    """`start_tracing` from the environment ordeal gives every worker (ORDEAL_WORLD_URL, ORDEAL_RUN_ID, TRACEPARENT, ...)."""
    e = os.environ if env is None else env
    return start_tracing(
        service_name,
        e.get("ORDEAL_WORLD_URL"),
        run_id=e.get("ORDEAL_RUN_ID") or None,
        traceparent=e.get("TRACEPARENT") or None,
        otlp_endpoint=e.get("ORDEAL_OTLP_ENDPOINT") or None,
        processor=span_export_of(e),
    )


def step_attributes(step: int | str, attempt: int, replayed: bool = False, idempotency_key: str | None = None) -> dict[str, AttributeValue]:
    """Where one step execution stands: what every step span carries."""
    return {ATTR.step: step, ATTR.attempt: attempt, ATTR.replayed: replayed, **({ATTR.idempotency_key: idempotency_key} if idempotency_key else {})}


def _parent() -> Context:
    """The active span's context, or the case's context outside any span."""
    if trace.get_current_span().get_span_context().is_valid:
        return otel_context.get_current()
    return _active.case_context if _active else otel_context.get_current()


@contextmanager
def span(name: str, attributes: Mapping[str, AttributeValue]) -> Iterator[Span]:
    """A new active span around the block; an exception marks it as an error and is re-raised."""
    tracer = _active.tracer if _active else trace.get_tracer("ordeal")
    base: dict[str, AttributeValue] = {ATTR.run_id: _active.run_id} if _active and _active.run_id else {}
    s = tracer.start_span(name, context=_parent(), attributes={**base, **attributes})
    token = otel_context.attach(trace.set_span_in_context(s, _parent()))
    try:
        yield s
    except BaseException as e:
        s.record_exception(e)
        s.set_attribute("error.type", type(e).__name__)  # flattened spans keep attributes, not status
        s.set_status(Status(StatusCode.ERROR, str(e)))
        raise
    finally:
        otel_context.detach(token)
        s.end()


def agent_span(agent: str, attributes: Mapping[str, AttributeValue] | None = None) -> Any:
    """`invoke_agent {agent}`: one stretch of the agent loop in this process."""
    return span(f"{OPERATION_AGENT} {agent}", {ATTR.operation: OPERATION_AGENT, ATTR.agent_name: agent, **(attributes or {})})


def chat_span(model: str, step: int | str, attempt: int, replayed: bool = False) -> Any:
    """`chat {model}`: one model call of one step attempt; set the token usage on the yielded span."""
    return span(f"{OPERATION_CHAT} {model}", {ATTR.operation: OPERATION_CHAT, ATTR.model: model, **step_attributes(step, attempt, replayed)})


def tool_span(tool: str, call_id: str | None, step: int | str, attempt: int, idempotency_key: str | None = None) -> Any:
    """`execute_tool {tool}`: one tool call of one step attempt."""
    return span(
        f"{OPERATION_TOOL} {tool}",
        {ATTR.operation: OPERATION_TOOL, ATTR.tool_name: tool, **({ATTR.tool_call_id: call_id} if call_id else {}), **step_attributes(step, attempt, False, idempotency_key)},
    )


def set_usage(s: Span, input_tokens: int | None, output_tokens: int | None) -> None:
    if input_tokens is not None:
        s.set_attribute(ATTR.input_tokens, input_tokens)
    if output_tokens is not None:
        s.set_attribute(ATTR.output_tokens, output_tokens)
