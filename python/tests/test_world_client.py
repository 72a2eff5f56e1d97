"""The kit's world client against a real world: every request names its process, effects dedupe by key, resources, approvals, the model."""
from __future__ import annotations

import os
import socket
import threading
import urllib.parse
from collections.abc import Callable

import pytest
from conftest import World
from ordeal_worker import WorldClient, WorldHttpError, opening_messages, parse_retry_after


def test_probes_carry_the_process_id(world: World) -> None:
    WorldClient(world.url).probe("worker:ready")
    WorldClient(world.url, pid=4242).probe("tool:before", step=3, attempt=2, detail={"name": "refund"})
    probes = world.ops("probe")
    assert [(p["pid"], p["value"]["point"]) for p in probes] == [(os.getpid(), "worker:ready"), (4242, "tool:before")]


def test_probes_off_sends_only_worker_ready(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDEAL_PROBES", "off")
    client = WorldClient(world.url)
    assert client.probe("tool:before", step=1) == {}
    client.probe("worker:ready")
    assert [p["value"]["point"] for p in world.ops("probe")] == ["worker:ready"]


def test_an_effect_sent_twice_with_the_same_key_is_applied_once(world: World) -> None:
    client = WorldClient(world.url)
    args = {"order": "1042", "amount": 42.5, "currency": "EUR"}
    client.effect("refund", args, "run:step-3")
    client.effect("refund", args, "run:step-3")
    client.effect("refund", args)
    assert [(e["outcome"], e["key"]) for e in world.jsonl("ledger.jsonl")] == [("applied", "run:step-3"), ("deduplicated", "run:step-3"), ("applied", None)]


def test_resources_are_versioned_and_a_stale_write_is_a_409(world: World) -> None:
    client = WorldClient(world.url)
    r = client.read_resource("order/1042")
    assert r["value"]["amount"] == 42.5
    w = client.write_resource("order/1042", {**r["value"], "status": "refunded"}, r["version"])
    assert w["version"] == r["version"] + 1
    with pytest.raises(WorldHttpError) as e:
        client.write_resource("order/1042", {"status": "stale"}, r["version"])
    assert e.value.status == 409 and e.value.retryable is False


def test_an_approval_waits_for_the_humans_decision(world: World) -> None:
    client = WorldClient(world.url)
    assert client.request_approval("approval:1", "Refund 42.50 EUR", {"order": "1042"})["status"] == "pending"
    assert world.wait_for(lambda m: m.get("kind") == "approval")["id"] == "approval:1"
    human = WorldClient(world.url, pid=1)
    human.request("POST", f"/approvals/{urllib.parse.quote('approval:1', safe='')}/decision", {"approved": True, "values": {"amount": 40}})
    decided = client.wait_for_decision("approval:1")
    assert decided["status"] == "approved"
    assert decided.get("decision", {}).get("values") == {"amount": 40}


def test_the_scripted_model_answers_the_shared_opening_with_the_first_turn(world: World) -> None:
    reply = WorldClient(world.url).chat(list(opening_messages("Order 1042 arrived damaged. Refund the customer and let them know.")))
    calls = reply["message"]["tool_calls"]
    assert [c["function"]["name"] for c in calls] == ["read_resource"]
    assert reply["usage"]["prompt_tokens"] > 0


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    assert parse_retry_after("2") == 2000
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10000
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def _hang_up_server() -> tuple[str, list[int], Callable[[], None]]:
    """A server that closes every connection without an answer, as a healed network partition does."""
    got: list[int] = []
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()

    def serve() -> None:
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            conn.recv(65536)
            got.append(1)
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{srv.getsockname()[1]}", got, srv.close


def test_a_probe_lost_on_the_network_returns_empty_and_is_not_sent_again(capsys: pytest.CaptureFixture[str]) -> None:
    url, got, stop = _hang_up_server()
    try:
        assert WorldClient(url).probe("step:journaled", step=4) == {}
        assert got == [1]
        assert "probe step:journaled lost on the way to the world" in capsys.readouterr().err
        # worker:ready, and the agent's own calls, still raise
        with pytest.raises(OSError):
            WorldClient(url).probe("worker:ready")
        with pytest.raises(OSError):
            WorldClient(url).read_resource("order/1042")
    finally:
        stop()


def test_a_probe_the_world_refuses_still_raises(world: World) -> None:
    with pytest.raises(WorldHttpError) as e:
        WorldClient(world.url).request("POST", "/probe", {"point": ""})
    assert e.value.status == 400
    with pytest.raises(WorldHttpError):
        WorldClient(world.url).probe("")
