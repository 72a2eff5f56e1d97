"""The kit's spans reach the world over OTLP/HTTP, in the case's trace, with the GenAI names and ordeal's attributes."""
from __future__ import annotations

import time

import pytest
from conftest import World
from ordeal_worker import telemetry


def test_spans_join_the_case_trace_with_genai_names_and_ordeal_attributes(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telemetry, "_active", None)
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    t = telemetry.start_tracing("ordeal-worker-kit-test", world.url, run_id="kit-test", traceparent=f"00-{trace_id}-00f067aa0ba902b7-01")
    with telemetry.agent_span("ordeal-agent"):
        with telemetry.tool_span("refund", "call_1", "lg:t:tools:1:call_1", 2, "lg:t:tools:1:call_1"):
            pass
        with pytest.raises(RuntimeError):
            with telemetry.chat_span("ordeal-scripted", "agent:1", 1) as s:
                telemetry.set_usage(s, 10, 5)
                raise RuntimeError("model down")
    t.shutdown()
    monkeypatch.setattr(telemetry, "_active", None)
    deadline = time.monotonic() + 5
    while len(world.jsonl("spans.jsonl")) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    spans = {s["name"]: s for s in world.jsonl("spans.jsonl")}
    assert set(spans) == {"invoke_agent ordeal-agent", "execute_tool refund", "chat ordeal-scripted"}
    assert {s["traceId"] for s in spans.values()} == {trace_id}
    agent = spans["invoke_agent ordeal-agent"]
    assert agent["parentSpanId"] == "00f067aa0ba902b7"
    tool = spans["execute_tool refund"]
    assert tool["parentSpanId"] == agent["spanId"]
    assert tool["attributes"]["gen_ai.tool.name"] == "refund"
    assert tool["attributes"]["ordeal.idempotency_key"] == "lg:t:tools:1:call_1"
    assert tool["attributes"]["ordeal.attempt"] == 2
    assert tool["attributes"]["ordeal.run_id"] == "kit-test"
    chat = spans["chat ordeal-scripted"]
    assert chat["attributes"]["gen_ai.usage.input_tokens"] == 10
    assert chat["attributes"]["error.type"] == "RuntimeError"
    assert tool["resource"]["service.name"] == "ordeal-worker-kit-test"


def test_span_export_is_read_from_the_environment() -> None:
    assert telemetry.span_export_of({}) == "simple"
    assert telemetry.span_export_of({"ORDEAL_SPAN_EXPORT": "off"}) == "off"
    with pytest.raises(ValueError, match="expected one of simple, batch, off"):
        telemetry.span_export_of({"ORDEAL_SPAN_EXPORT": "loud"})


def test_span_export_off_sends_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telemetry, "_active", None)
    t = telemetry.start_worker_tracing("ordeal-worker-kit-test", {"ORDEAL_WORLD_URL": world.url, "ORDEAL_SPAN_EXPORT": "off"})
    with telemetry.tool_span("refund", "call_1", "s", 1):
        pass
    t.shutdown()
    monkeypatch.setattr(telemetry, "_active", None)
    time.sleep(0.3)
    assert world.jsonl("spans.jsonl") == []
