"""What the recorder stores for each exchange, read back from the SQLite sink's file: timing from paced streams,
the request and the reconstructed response, routing and HTTP details, tokens and cost (golden cases from
PEER_BUGS), redaction of every secret, and the outcome of exchanges that ended early."""
from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import time
from pathlib import Path

import anthropic
import openai
import pytest

import harness
import recording_support as rs
from recording_support import test_sink_lib  # noqa: F401  (a fixture)
from mocks.upstream import Reply, Silent, Stream
from mocks.wire import (ANTHROPIC_JSON_HEADERS, ANTHROPIC_SSE_HEADERS, OPENAI_JSON_HEADERS, OPENAI_SSE_HEADERS,
                        anthropic_error, anthropic_message, anthropic_stream_events, is_openai_usage_event,
                        openai_completion, openai_error, openai_stream_events, sse_data, sse_event)

# Prices configured in plugins.yaml (USD per million tokens); the golden costs below are computed from them by hand.
PRICES = {
    "gpt-golden-4o": {"input": 2.5, "output": 10.0, "cache_read": 1.25},
    "claude-golden-opus-4-5": {"input": 5.0, "output": 25.0, "cache_read": 0.5, "cache_write": 6.25},
    "claude-golden-sonnet": {"input": 3.0, "output": 15.0, "cache_read": 0.3, "cache_write": 3.75},
}


@pytest.fixture(scope="module")
def recording(lessllm_bin, oa_server, an_server, echo_plugins, tmp_path_factory):
    """One gateway for the module: the SQLite sink, raw events kept, configured prices, 127.0.0.1 trusted as a
    proxy (so X-Forwarded-For names the client)."""
    workdir = tmp_path_factory.mktemp("recording")
    db_path = workdir / "log.db"
    config = rs.recording_config(oa_server, an_server, echo_plugins, db_path=db_path,
                                 recording={"raw_events": True}, prices=PRICES)
    config["listen"]["trusted_proxies"] = ["127.0.0.1/32"]
    with rs.RecordingGateway(config, workdir) as gateway:
        yield rs.Recording(gateway, rs.Store(db_path))


@pytest.fixture(scope="module")
def plain_recording(lessllm_bin, oa_server, an_server, echo_plugins, tmp_path_factory):
    """A second gateway with the defaults: no raw events, no trusted proxy."""
    workdir = tmp_path_factory.mktemp("recording-plain")
    db_path = workdir / "log.db"
    config = rs.recording_config(oa_server, an_server, echo_plugins, db_path=db_path)
    with rs.RecordingGateway(config, workdir, "plain-gateway") as gateway:
        yield rs.Recording(gateway, rs.Store(db_path))


@pytest.fixture
def http(recording):
    client = recording.gateway.client()
    yield client
    client.close()


def stored(recording, response) -> tuple[dict, object]:
    """The record and the row of the exchange that answered `response` (by its x-lessllm-exchange-id)."""
    exchange_id = response.headers.get("x-lessllm-exchange-id")
    assert exchange_id, f"no x-lessllm-exchange-id on {response.status_code} {response.headers}"
    recording.store.wait_for([exchange_id])
    return recording.store.record(exchange_id), recording.store.row(exchange_id)


def stored_by_id(recording, exchange_id: str) -> tuple[dict, object]:
    recording.store.wait_for([exchange_id])
    return recording.store.record(exchange_id), recording.store.row(exchange_id)


# ---- 1. timing -----------------------------------------------------------------------------------------------------

TTFB = 0.150  # the mock's silence before its response head
FIRST = 0.150  # then the silence before the first content event: TTFT ≈ 300 ms
GAP = 0.050  # between content events
TOKENS = 20


@pytest.mark.parametrize("dialect", ["openai", "anthropic"])
def test_paced_stream_gives_known_ttft_tpot_and_gaps(oa, an, recording, dialect):
    pieces = [f" tok{n}" for n in range(TOKENS)]
    if dialect == "openai":
        oa.responder = rs.delayed(rs.paced_openai(pieces, FIRST, GAP), TTFB)
        timed = rs.timed_stream(recording.gateway.url, "/v1/chat/completions",
                                rs.openai_body("gpt-4o", stream=True, include_usage=True), rs.OPENAI_HEADERS)
    else:
        an.responder = rs.delayed(rs.paced_anthropic(pieces, FIRST, GAP), TTFB)
        timed = rs.timed_stream(recording.gateway.url, "/v1/messages",
                                rs.anthropic_body("claude-sonnet-4-5", stream=True), rs.ANTHROPIC_HEADERS)
    assert timed.status == 200 and len(timed.content_times) == TOKENS
    record, row = stored_by_id(recording, timed.exchange_id)
    timing = record["timing"]
    harness.report(f"timing ({dialect}): stored ttft {row['ttft_ms']:.1f} ms (client saw {timed.ttft * 1000:.1f}), "
                   f"tpot {row['tpot_ms']:.2f} ms, {row['output_tokens_per_second']:.2f} tok/s, "
                   f"ttfb {row['upstream_ttfb_ms']:.1f} ms, total {row['total_ms']:.1f} ms, "
                   f"overhead {row['gateway_overhead_ms']:.2f} ms, gaps {timing['gap_ms']}")

    assert row["output_tokens"] == TOKENS and row["tokens_estimated"] == 0
    # TTFT: request received → first content token (not the role chunk / message_start / ping): 300 ms.
    assert 290 <= row["ttft_ms"] <= 400, row["ttft_ms"]
    assert row["ttft_ms"] <= timed.ttft * 1000 + 5, "the gateway's TTFT cannot be later than the client's"
    assert timed.ttft * 1000 - row["ttft_ms"] < 50
    # TPOT: (last − first) / (output tokens − 1) = 50 ms.
    assert abs(row["tpot_ms"] - GAP * 1000) <= 15, row["tpot_ms"]
    times = timing["token_times_ms"]
    assert len(times) == TOKENS, "one entry per content event"
    assert times[0] == row["ttft_ms"] and times == sorted(times)
    assert row["tpot_ms"] == pytest.approx((times[-1] - times[0]) / (TOKENS - 1), abs=0.01)
    steps = [b - a for a, b in zip(times, times[1:])]
    assert all(step > 0 for step in steps) and abs(statistics.median(steps) - GAP * 1000) <= 10, steps
    # tokens/s: output tokens over the span of the token events (≈ 20 / 0.95 s).
    assert row["output_tokens_per_second"] == pytest.approx(TOKENS / ((times[-1] - times[0]) / 1000), rel=0.01)
    assert 17 <= row["output_tokens_per_second"] <= 24
    # Gaps between upstream events: mostly 50 ms; the largest is the 150 ms silence before the first token.
    assert abs(timing["gap_ms"]["p50"] - 50) <= 15 and 35 <= timing["gap_ms"]["p90"] <= 90, timing["gap_ms"]
    assert abs(timing["gap_ms"]["max"] - FIRST * 1000) <= 40, timing["gap_ms"]
    assert timing["gap_ms"]["p50"] <= timing["gap_ms"]["p90"] <= timing["gap_ms"]["p99"] <= timing["gap_ms"]["max"]
    # Upstream TTFB: request sent upstream → response head: 150 ms.
    assert 145 <= row["upstream_ttfb_ms"] <= 250, row["upstream_ttfb_ms"]
    # Total: 150 + 150 + 19 × 50 = 1250 ms, and the stream ends right after the last token.
    assert 1250 <= row["total_ms"] <= 1600, row["total_ms"]
    assert row["total_ms"] >= times[-1]
    assert row["total_ms"] <= timed.total * 1000 + 5
    assert 0 <= row["gateway_overhead_ms"] < 50
    assert row["gateway_overhead_ms"] == pytest.approx(timing["pre_upstream_ms"] + timing["relay_mean_ms"], abs=0.01)


# ---- 2. what is stored ---------------------------------------------------------------------------------------------

WEATHER_ARGS = ['{"city', '": "Paris', ', France", ', '"unit": "celsius"}']
TIME_ARGS = ['{"tz":', ' "Europe/', 'Paris"}']


def test_openai_stream_is_stored_as_the_sdk_accumulated_it(oa, recording):
    usage = rs.openai_usage_block(prompt=57, completion=31)
    oa.script(Stream(200, OPENAI_SSE_HEADERS, rs.openai_stream_with(
        usage, ["Let me ", "check ", "both."], model="gpt-4o-mini-2024-07-18",
        tool_calls=[("call_weather01", "get_weather", WEATHER_ARGS), ("call_time02", "get_time", TIME_ARGS)],
        interleave=True)))
    client = openai.OpenAI(base_url=recording.gateway.url + "/v1", api_key=rs.CLIENT_BEARER, max_retries=0,
                           timeout=20)
    try:
        raw = client.chat.completions.with_raw_response.create(
            model="fast", messages=[{"role": "user", "content": "Weather and time in Paris?"}], stream=True,
            stream_options={"include_usage": True})
        exchange_id = raw.headers["x-lessllm-exchange-id"]
        chunks = list(raw.parse())
    finally:
        client.close()
    # The SDK's chunks, joined the way every OpenAI client accumulates them.
    text, calls, finish, sdk_usage = "", {}, None, None
    for chunk in chunks:
        if chunk.usage is not None:
            sdk_usage = chunk.usage
        for choice in chunk.choices:
            text += choice.delta.content or ""
            finish = choice.finish_reason or finish
            for call in choice.delta.tool_calls or []:
                entry = calls.setdefault(call.index, {"id": None, "name": "", "arguments": ""})
                entry["id"] = call.id or entry["id"]
                entry["name"] += (call.function.name or "") if call.function else ""
                entry["arguments"] += (call.function.arguments or "") if call.function else ""

    record, row = stored_by_id(recording, exchange_id)
    message = record["response"]["choices"][0]["message"]
    assert message["content"] == text == "Let me check both."
    stored_calls = [{"id": c["id"], "name": c["function"]["name"], "arguments": c["function"]["arguments"]}
                    for c in message["tool_calls"]]
    assert stored_calls == [calls[0], calls[1]]
    assert json.loads(stored_calls[0]["arguments"]) == {"city": "Paris, France", "unit": "celsius"}
    assert json.loads(stored_calls[1]["arguments"]) == {"tz": "Europe/Paris"}
    assert record["response"]["choices"][0]["finish_reason"] == finish == "tool_calls"
    assert record["response"]["usage"] == sdk_usage.model_dump(exclude_unset=True) == usage
    assert record["response"]["model"] == "gpt-4o-mini-2024-07-18"
    assert (row["input_tokens"], row["output_tokens"], row["tokens_estimated"]) == (57, 31, 0)
    # routing through the alias `fast` → gpt-4o-mini
    assert (row["client_dialect"], row["upstream_dialect"], row["provider"], row["converted"]) == \
        ("openai.chat", "openai.chat", "oa", 0)
    assert (row["requested_model"], row["upstream_model"]) == ("fast", "gpt-4o-mini")
    assert record["route"]["provider_plugin"] == "dev.lessllm.provider.openai"
    assert json.loads(row["upstream_request_json"])["model"] == "gpt-4o-mini" == oa.last.json()["model"]
    assert json.loads(row["request_json"])["model"] == "fast"
    assert row["user_agent"].startswith("OpenAI/Python") and row["stream"] == 1
    assert record["cost"]["price"]["pattern"] == "gpt-4o-mini*"
    assert row["cost_total"] == pytest.approx((57 * 0.15 + 31 * 0.60) / 1e6, abs=1e-12)


def test_anthropic_stream_is_stored_as_get_final_message_built_it(an, recording):
    usage = rs.anthropic_usage_block(input_tokens=40, output_tokens=77, cache_read=1200, cache_write=300)
    an.script(Stream(200, ANTHROPIC_SSE_HEADERS, rs.anthropic_stream_with(usage, [
        ("thinking", ["The user wants ", "the weather."], "EqQBCkYIBxgCKkD-signature=="),
        ("text", ["I'll look ", "that up."]),
        ("tool_use", "toolu_01WeatherCall", "get_weather", WEATHER_ARGS),
    ], stop_reason="tool_use", delta_usage="cumulative")))
    client = anthropic.Anthropic(base_url=recording.gateway.url, api_key=rs.CLIENT_API_KEY, max_retries=0,
                                 timeout=20)
    try:
        with client.messages.stream(model="sonnet", max_tokens=512,
                                    messages=[{"role": "user", "content": "Weather in Paris?"}]) as stream:
            exchange_id = stream.response.headers["x-lessllm-exchange-id"]
            final = stream.get_final_message()
    finally:
        client.close()

    record, row = stored_by_id(recording, exchange_id)
    response = record["response"]
    sdk = final.model_dump(mode="json", exclude_none=True)
    stored_blocks = [{k: v for k, v in block.items() if v is not None} for block in response["content"]]
    assert [b["type"] for b in stored_blocks] == ["thinking", "text", "tool_use"]
    assert stored_blocks[0]["thinking"] == sdk["content"][0]["thinking"] == "The user wants the weather."
    assert stored_blocks[0]["signature"] == sdk["content"][0]["signature"]
    assert stored_blocks[1]["text"] == sdk["content"][1]["text"] == "I'll look that up."
    assert stored_blocks[2]["input"] == sdk["content"][2]["input"] == {"city": "Paris, France", "unit": "celsius"}
    assert (stored_blocks[2]["id"], stored_blocks[2]["name"]) == ("toolu_01WeatherCall", "get_weather")
    assert response["stop_reason"] == final.stop_reason == "tool_use"
    for key in ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"):
        assert response["usage"][key] == sdk["usage"][key] == usage[key], key
    assert (row["input_tokens"], row["output_tokens"], row["cache_read_tokens"], row["cache_write_tokens"]) == \
        (40, 77, 1200, 300)
    assert (row["client_dialect"], row["upstream_dialect"], row["provider"]) == \
        ("anthropic.messages", "anthropic.messages", "an")
    assert (row["requested_model"], row["upstream_model"]) == ("sonnet", "claude-sonnet-4-5")
    assert row["user_agent"].startswith("Anthropic/Python")


# Compact JSON with the members in an unusual order, numbers written in several ways, and UTF-8 text: stored byte
# for byte (no escapes the canonical form would rewrite).
COMPACT_REQUEST = ('{"temperature":0.70,"messages":[{"role":"system","content":"Réponds en français 🇫🇷"},'
                   '{"role":"user","content":"Quote: \\"x\\" \\\\ done"}],"model":"gpt-4o","top_p":1e-3,"n":1,'
                   '"metadata":{"z":[1.5,2,-0.0],"a":null,"m":{"deep":true}},"max_tokens":64}').encode()


def test_request_is_stored_exactly_as_received_and_http_details(oa, recording, http):
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("Bonjour")))
    response = http.post("/v1/chat/completions", content=COMPACT_REQUEST,
                         headers={"content-type": "application/json", "user-agent": "recording-e2e/1.0",
                                  "x-forwarded-for": "203.0.113.7, 127.0.0.1", **rs.OPENAI_HEADERS})
    assert response.status_code == 200
    record, row = stored(recording, response)

    assert row["request_json"].encode() == COMPACT_REQUEST, "the stored request differs from the bytes received"
    assert record["request"] == json.loads(COMPACT_REQUEST)
    assert row["upstream_request_json"] is None, "nothing changed on the way upstream: not stored twice"
    assert oa.last.body == COMPACT_REQUEST
    assert json.loads(row["response_json"]) == json.loads(openai_completion("Bonjour"))
    # HTTP details
    assert (row["method"], row["path"], row["status"], row["upstream_status"]) == \
        ("POST", "/v1/chat/completions", 200, 200)
    assert row["client_ip"] == "203.0.113.7", "127.0.0.1 is a trusted proxy: X-Forwarded-For names the client"
    assert row["user_agent"] == "recording-e2e/1.0"
    assert row["request_bytes"] == len(COMPACT_REQUEST)
    assert row["response_bytes"] == len(response.content)
    http_json = json.loads(row["http_json"])
    assert http_json["request_headers"]["user-agent"] == "recording-e2e/1.0"
    assert http_json["response_headers"]["x-request-id"] == "req_mock_openai_0001"
    assert http_json["response_headers"]["content-length"] == str(len(response.content))
    assert http_json["upstream"]["url"] == oa.base_url + "/v1/chat/completions"
    assert http_json["upstream"]["status"] == 200
    assert row["outcome"] == "ok" and record["error"] is None and row["stream"] == 0


def test_pretty_printed_request_is_stored_as_the_same_json_with_its_byte_size(an, recording, http):
    body = json.dumps({"model": "claude-sonnet-4-5", "max_tokens": 99, "system": "Be brief. \u00e9",
                       "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi \u2713"}]}]},
                      indent=4).encode()  # \u escapes: a JSON column stores the canonical text
    an.script(Reply(200, ANTHROPIC_JSON_HEADERS, anthropic_message("Hello")))
    response = harness.post_json(http, "/v1/messages", body, rs.ANTHROPIC_HEADERS)
    record, row = stored(recording, response)
    assert json.loads(row["request_json"]) == json.loads(body)
    assert row["request_bytes"] == len(body) and row["response_bytes"] == len(response.content)
    assert an.last.body == body


def test_streamed_response_byte_size_and_raw_events(oa, recording, http):
    events = openai_stream_events(["Raw ", "events ", "kept"])
    oa.script(Stream(200, OPENAI_SSE_HEADERS, events))
    with http.stream("POST", "/v1/chat/completions", content=rs.openai_body("gpt-4o", stream=True,
                                                                           include_usage=True),
                     headers={"content-type": "application/json", **rs.OPENAI_HEADERS}) as response:
        received = b"".join(response.iter_raw())
    record, row = stored(recording, response)
    assert received == b"".join(events)
    assert row["response_bytes"] == len(received)
    raw = json.loads(row["raw_events_json"])
    assert [event["data"] for event in raw] == [harness.event_data(event) for event in events]
    assert all(isinstance(event["t_ms"], (int, float)) and event["t_ms"] >= 0 for event in raw)
    assert [event["t_ms"] for event in raw] == sorted(event["t_ms"] for event in raw)
    assert record["response"]["choices"][0]["message"]["content"] == "Raw events kept"


def test_raw_events_and_forwarded_for_are_off_by_default(oa, plain_recording):
    oa.script(Stream(200, OPENAI_SSE_HEADERS, openai_stream_events(["not ", "kept"])))
    with plain_recording.gateway.client() as client:
        response = harness.post_json(client, "/v1/chat/completions",
                                     rs.openai_body("gpt-4o", stream=True, include_usage=True),
                                     {"x-forwarded-for": "203.0.113.7"})
    assert response.status_code == 200
    record, row = stored(plain_recording, response)
    assert row["raw_events_json"] is None and record["raw_events"] is None
    assert row["client_ip"] == "127.0.0.1", "no trusted proxy: X-Forwarded-For is not believed"
    assert record["response"]["choices"][0]["message"]["content"] == "not kept"


# ---- 3. usage the client did not ask for ---------------------------------------------------------------------------


@pytest.mark.parametrize("store", ["recording", "plain_recording"])
def test_stream_without_include_usage_still_stores_the_upstream_usage(oa, store, request):
    """PEER_BUGS #17: the client gets no usage chunk, yet the row has the upstream's real usage and cost — with raw
    events kept, and by default, where the upstream's events the client received are kept once (in its copy)."""
    recording = request.getfixturevalue(store)
    usage = rs.openai_usage_block(prompt=1234, completion=3, cached=1024)
    oa.script(Stream(200, OPENAI_SSE_HEADERS, rs.openai_stream_with(usage, ["a", "b", "c"])))
    body = rs.openai_body("gpt-golden-4o", stream=True)  # no stream_options
    with recording.gateway.client() as http, http.stream(
            "POST", "/v1/chat/completions", content=body,
            headers={"content-type": "application/json", **rs.OPENAI_HEADERS}) as response:
        received = b"".join(response.iter_raw())
    events = harness.split_events(received)
    assert not any(is_openai_usage_event(event) for event in events), "the client got a usage chunk it never asked for"
    assert all(json.loads(harness.event_data(e)).get("usage") is None for e in events if e.startswith(b"data: {"))
    assert oa.last.json()["stream_options"] == {"include_usage": True}, "the gateway asks the upstream for usage"

    record, row = stored(recording, response)
    assert (row["input_tokens"], row["cache_read_tokens"], row["output_tokens"], row["tokens_estimated"]) == \
        (210, 1024, 3, 0)
    if store == "recording":  # the gateway with prices
        golden = (210 * 2.5 + 1024 * 1.25 + 3 * 10.0) / 1e6  # = 0.0018355
        assert row["cost_total"] == pytest.approx(golden, abs=1e-9) and round(row["cost_total"], 2) == round(golden, 2)
    assert record["request"] == json.loads(body)
    assert record["upstream_request"]["stream_options"] == {"include_usage": True}
    assert record["response"].get("usage") is None, "the response is stored as the client received it"
    assert record["response"]["choices"][0]["message"]["content"] == "abc"
    assert record["timing"]["ttft_ms"] is not None and record["timing"]["ttft_ms"] >= 0


# ---- 4. the same usage streamed or not: identical tokens and cost (golden values) ----------------------------------

# (label, model, usage as the provider reports it, token columns (input, output, cache_read, cache_write),
#  golden cost, cache savings, price source). Golden costs by hand: tokens × USD per million.
GOLDEN = [
    # PEER_BUGS #16: OpenAI cached prompt tokens at the cached rate; uncached = prompt − cached.
    ("openai-cached", "gpt-golden-4o", rs.openai_usage_block(prompt=120_000, completion=2_000, cached=100_000),
     (20_000, 2_000, 100_000, 0), (20_000 * 2.5 + 100_000 * 1.25 + 2_000 * 10.0) / 1e6,  # 0.195
     100_000 * (2.5 - 1.25) / 1e6, "config"),
    # PEER_BUGS #4 (LiteLLM): Anthropic console $0.05439; claude-3-7-sonnet at the built-in price.
    ("anthropic-#4", "claude-3-7-sonnet-20250219", rs.anthropic_usage_block(3, 550, cache_read=0, cache_write=12_304),
     (3, 550, 0, 12_304), (3 * 3.0 + 12_304 * 3.75 + 550 * 15.0) / 1e6,  # 0.054399
     -12_304 * (3.75 - 3.0) / 1e6, "builtin"),
    # PEER_BUGS #15 (Bifrost): billed $1.06376125; cache writes never counted again as input.
    ("anthropic-#15", "claude-golden-opus-4-5", rs.anthropic_usage_block(6, 2_745, cache_read=0, cache_write=159_217),
     (6, 2_745, 0, 159_217), (6 * 5.0 + 159_217 * 6.25 + 2_745 * 25.0) / 1e6,  # 1.06376125
     -159_217 * (6.25 - 5.0) / 1e6, "config"),
    # PEER_BUGS #5 (LiteLLM): 2,455 cache-read tokens in a stream priced at the cache-read rate, as non-stream.
    ("anthropic-#5", "claude-golden-sonnet", rs.anthropic_usage_block(15, 120, cache_read=2_455, cache_write=0),
     (15, 120, 2_455, 0), (15 * 3.0 + 2_455 * 0.3 + 120 * 15.0) / 1e6,  # 0.0025815
     2_455 * (3.0 - 0.3) / 1e6, "config"),
    ("anthropic-read+write", "claude-golden-sonnet",
     rs.anthropic_usage_block(7, 300, cache_read=50_000, cache_write=4_000),
     (7, 300, 50_000, 4_000), (7 * 3.0 + 50_000 * 0.3 + 4_000 * 3.75 + 300 * 15.0) / 1e6,  # 0.034521
     (50_000 * (3.0 - 0.3) - 4_000 * (3.75 - 3.0)) / 1e6, "config"),
]
GOLDEN_TOTALS = {"openai-cached": 0.195, "anthropic-#4": 0.054399, "anthropic-#15": 1.06376125,
                 "anthropic-#5": 0.0025815, "anthropic-read+write": 0.034521}


@pytest.mark.parametrize("case", GOLDEN, ids=[case[0] for case in GOLDEN])
def test_stream_and_non_stream_with_the_same_usage_store_identical_tokens_and_cost(oa, an, recording, http, case):
    label, model, usage, columns, golden, savings, source = case
    assert golden == pytest.approx(GOLDEN_TOTALS[label], abs=1e-12)  # the hand computation, written out
    responses = []
    if label.startswith("openai"):
        oa.script(Reply(200, OPENAI_JSON_HEADERS, rs.openai_completion_with(usage, "Cached answer")),
                  Stream(200, OPENAI_SSE_HEADERS, rs.openai_stream_with(usage, ["Cached ", "answer"])))
        responses.append(harness.post_json(http, "/v1/chat/completions", rs.openai_body(model), rs.OPENAI_HEADERS))
        responses.append(harness.post_json(http, "/v1/chat/completions",
                                           rs.openai_body(model, stream=True, include_usage=True), rs.OPENAI_HEADERS))
    else:
        an.script(Reply(200, ANTHROPIC_JSON_HEADERS, rs.anthropic_message_with(usage, "Cached answer")),
                  Stream(200, ANTHROPIC_SSE_HEADERS, rs.anthropic_stream_with(usage, [("text", ["Cached ", "answer"])],
                                                                              delta_usage="output")),
                  Stream(200, ANTHROPIC_SSE_HEADERS, rs.anthropic_stream_with(usage, [("text", ["Cached ", "answer"])],
                                                                              delta_usage="cumulative")))
        responses.append(harness.post_json(http, "/v1/messages", rs.anthropic_body(model), rs.ANTHROPIC_HEADERS))
        for _ in range(2):
            responses.append(harness.post_json(http, "/v1/messages", rs.anthropic_body(model, stream=True),
                                               rs.ANTHROPIC_HEADERS))
    assert [r.status_code for r in responses] == [200] * len(responses)
    rows = [stored(recording, r)[1] for r in responses]
    records = [recording.store.record(row["id"]) for row in rows]
    token_columns = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")
    prompt = columns[0] + columns[2] + columns[3]
    for row, record in zip(rows, records):
        kind = "stream" if row["stream"] else "non-stream"
        assert tuple(row[c] for c in token_columns) == columns, f"{kind}: {[row[c] for c in token_columns]}"
        assert row["tokens_estimated"] == 0, kind
        assert abs(row["cost_total"] - golden) < 1e-9, f"{kind}: {row['cost_total']} ≠ golden {golden}"
        assert round(row["cost_total"], 2) == round(golden, 2)
        assert abs(row["cache_savings"] - savings) < 1e-9, f"{kind}: savings {row['cache_savings']} ≠ {savings}"
        assert row["cache_hit_ratio"] == pytest.approx(columns[2] / prompt, abs=1e-12)
        assert record["cost"]["price"]["source"] == source
        parts = record["cost"]
        assert parts["input"] + parts["output"] + parts["cache_read"] + parts["cache_write"] == \
            pytest.approx(parts["total"], abs=1e-11)
    assert len({tuple(row[c] for c in token_columns + ("cost_total", "cache_savings")) for row in rows}) == 1
    assert [row["stream"] for row in rows] == [0] + [1] * (len(rows) - 1)
    # 7. the non-streamed response carries the same cost in its header
    header = responses[0].headers.get("x-lessllm-cost-usd")
    assert header is not None, "the non-streamed response has no x-lessllm-cost-usd"
    assert header == f"{rows[0]['cost_total']:.8f}", (header, rows[0]["cost_total"])
    assert abs(float(header) - golden) < 1e-8
    harness.report(f"golden cost {label}: stored {rows[0]['cost_total']:.8f} USD (header {header}), "
                   f"savings {rows[0]['cache_savings']:.8f}")


@pytest.mark.parametrize("dialect", ["openai", "anthropic"])
def test_cost_header_of_a_non_streamed_response_equals_the_stored_cost(oa, an, recording, http, dialect):
    if dialect == "openai":
        oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("Hi", prompt_tokens=1_234, completion_tokens=567)))
        response = harness.post_json(http, "/v1/chat/completions", rs.openai_body("fast"), rs.OPENAI_HEADERS)
        golden = (1_234 * 0.15 + 567 * 0.60) / 1e6  # gpt-4o-mini, built in
    else:
        an.script(Reply(200, ANTHROPIC_JSON_HEADERS, anthropic_message("Hi", input_tokens=2_345, output_tokens=678)))
        response = harness.post_json(http, "/v1/messages", rs.anthropic_body("sonnet"), rs.ANTHROPIC_HEADERS)
        golden = (2_345 * 3.0 + 678 * 15.0) / 1e6  # claude-sonnet-4-5, built in
    _, row = stored(recording, response)
    header = response.headers["x-lessllm-cost-usd"]
    assert header == f"{row['cost_total']:.8f}"
    assert abs(row["cost_total"] - golden) < 1e-9 and abs(float(header) - golden) < 1e-8


# ---- 5. secrets ----------------------------------------------------------------------------------------------------

SECRETS = [rs.OPENAI_KEY, rs.ANTHROPIC_KEY, rs.CLIENT_BEARER, rs.CLIENT_API_KEY, rs.CUSTOM_SECRET, rs.URL_SECRET,
           rs.PROVIDER_HEADER_SECRET, "cookie-RECORDING-secret-4747", "proxy-auth-RECORDING-secret-4848",
           "api-key-RECORDING-secret-4949", "client-query-RECORDING-secret-5050", "x-auth-RECORDING-secret-5151",
           "amz-RECORDING-secret-5252"]
CLIENT_QUERY = "?key=client-query-RECORDING-secret-5050&trace=1"  # a key some clients put in the request's URL


def test_no_secret_is_stored_anywhere_in_the_database(lessllm_bin, oa, an, echo_plugins, dead_port, tmp_path):
    db_path = tmp_path / "log.db"
    config = rs.recording_config(oa, an, echo_plugins, db_path=db_path,
                                 recording={"raw_events": True, "redact_headers": [rs.SECRET_HEADER.upper()]})
    keyed = f"?api_key={rs.URL_SECRET}&route="  # a key in the upstream URL's query (the provider appends its path)
    config["providers"].update({
        "oa_keyed": harness.provider("dev.lessllm.provider.openai", oa.base_url + "/v1" + keyed, rs.OPENAI_KEY,
                                     timeouts=harness.NORMAL, headers={rs.SECRET_HEADER: rs.PROVIDER_HEADER_SECRET}),
        "an_keyed": harness.provider("dev.lessllm.provider.anthropic", an.base_url + keyed, rs.ANTHROPIC_KEY,
                                     timeouts=harness.NORMAL, headers={rs.SECRET_HEADER: rs.PROVIDER_HEADER_SECRET}),
        "oa_keyed_dead": harness.provider("dev.lessllm.provider.openai",
                                          f"http://user:{rs.URL_SECRET}@127.0.0.1:{dead_port}/v1{keyed}",
                                          rs.OPENAI_KEY, timeouts=harness.NORMAL),
    })
    config["routes"][:0] = [{"model": "gpt-keyed-dead", "provider": "oa_keyed_dead"},
                            {"model": "gpt-keyed-*", "provider": "oa_keyed"},
                            {"model": "claude-keyed-*", "provider": "an_keyed"}]
    client_secrets = {"authorization": f"Bearer {rs.CLIENT_BEARER}", "x-api-key": rs.CLIENT_API_KEY,
                      rs.SECRET_HEADER: rs.CUSTOM_SECRET, "cookie": "session=cookie-RECORDING-secret-4747",
                      "proxy-authorization": "Basic proxy-auth-RECORDING-secret-4848",
                      "api-key": "api-key-RECORDING-secret-4949", "anthropic-version": "2023-06-01",
                      # no list names these: their words do (token), as with any credential header
                      "x-auth-token": "x-auth-RECORDING-secret-5151", "X-Amz-Security-Token": "amz-RECORDING-secret-5252",
                      "x-ratelimit-remaining-tokens": "99"}
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("one")),
              Stream(200, OPENAI_SSE_HEADERS, openai_stream_events(["two"])),
              # An upstream that quotes the whole key it was sent (OpenAI masks it; some servers do not).
              Reply(401, OPENAI_JSON_HEADERS, openai_error(f"Incorrect API key provided: {rs.OPENAI_KEY}",
                                                           "invalid_request_error", "invalid_api_key")))
    an.script(Reply(200, ANTHROPIC_JSON_HEADERS, anthropic_message("three")),
              Stream(200, ANTHROPIC_SSE_HEADERS, anthropic_stream_events(["four"])))
    ids = []
    with rs.RecordingGateway(config, tmp_path) as gateway, gateway.client() as client:
        plan = [("/v1/chat/completions", rs.openai_body("gpt-keyed-4o"), 200),
                ("/v1/chat/completions" + CLIENT_QUERY, rs.openai_body("gpt-keyed-4o", stream=True), 200),
                ("/v1/chat/completions", rs.openai_body("gpt-keyed-4o"), 401),
                ("/v1/messages", rs.anthropic_body("claude-keyed-sonnet-4-5"), 200),
                ("/v1/messages" + CLIENT_QUERY, rs.anthropic_body("claude-keyed-sonnet-4-5", stream=True), 200),
                ("/v1/chat/completions", rs.openai_body("gpt-keyed-dead"), 502),
                ("/v1/chat/completions", rs.openai_body("echo"), 200)]
        for path, body, status in plan:
            response = harness.post_json(client, path, body, client_secrets)
            assert response.status_code == status, (path, body, response.text)
            ids.append(response.headers["x-lessllm-exchange-id"])
        rejected = harness.post_json(client, "/v1/chat/completions", rs.openai_body("no-such-model-keyed"),
                                     client_secrets)
        assert rejected.status_code == 404
        store = rs.Store(db_path)
        store.wait_for(ids)
        store.wait_count(len(ids) + 1)
        # The secrets really went where they belong (so finding none stored means something).
        assert all(rs.URL_SECRET in request.target for request in oa.requests + an.requests)
        assert {r.header("authorization") for r in oa.requests} == {f"Bearer {rs.OPENAI_KEY}"}
        assert {r.header("x-api-key") for r in an.requests} == {rs.ANTHROPIC_KEY}
        assert {r.header(rs.SECRET_HEADER) for r in oa.requests + an.requests} == {rs.PROVIDER_HEADER_SECRET}

        queried = [store.record(ids[1])["http"]["path"], store.record(ids[4])["http"]["path"]]
        assert queried == ["/v1/chat/completions?key=[redacted]&trace=1", "/v1/messages?key=[redacted]&trace=1"]
        for record in (store.record(i) for i in store.ids()):
            http_json = record["http"]
            for name in ("authorization", "x-api-key", rs.SECRET_HEADER, "cookie", "proxy-authorization",
                         "api-key", "x-auth-token", "x-amz-security-token"):
                assert http_json["request_headers"][name] == "[redacted]", (name, http_json["request_headers"])
            assert http_json["request_headers"]["x-ratelimit-remaining-tokens"] == "99"
            upstream = http_json["upstream"]
            if upstream is not None:
                assert "api_key=[redacted]" in upstream["url"]
                credential = "x-api-key" if "anthropic" in record["route"]["provider_plugin"] else "authorization"
                assert upstream["request_headers"][credential] == "[redacted]"
                if record["route"]["provider"] != "oa_keyed_dead":
                    assert upstream["request_headers"][rs.SECRET_HEADER] == "[redacted]"
        quoted = store.record(ids[2])["response"]["error"]["message"]
        assert quoted.startswith("Incorrect API key provided: [redacted]*") and len(quoted) == len(
            f"Incorrect API key provided: {rs.OPENAI_KEY}"), quoted
        running = store.file_bytes()
    assert "log.db-wal" in running, "expected the WAL file while the gateway ran"
    after = store.file_bytes()  # after shutdown (checkpointed)
    for phase, files in (("running", running), ("stopped", after)):
        for name, data in files.items():
            for secret in SECRETS:
                hits = data.count(secret.encode())
                assert hits == 0, f"{phase}: {name} holds {secret!r} {hits} times"
    assert sum(len(data) for data in after.values()) > 0


def test_no_secret_is_written_to_the_record_journal(lessllm_bin, oa, an, echo_plugins, tmp_path, test_sink_lib):
    journal = rs.Journal(tmp_path / "records.journal")
    config = rs.recording_config(oa, an, echo_plugins, sink_lib=test_sink_lib,
                                 sink_options={"path": str(tmp_path / "sink.jsonl"), "fail_first": 1000},
                                 recording={"journal": str(journal.path)})
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion(f"the key you sent: {rs.OPENAI_KEY}")))
    with rs.RecordingGateway(config, tmp_path) as gateway, gateway.client() as client:
        response = harness.post_json(client, "/v1/chat/completions" + CLIENT_QUERY, rs.openai_body("gpt-4o"),
                                     rs.OPENAI_HEADERS)
        assert response.status_code == 200
        journal.wait_for([response.headers["x-lessllm-exchange-id"]])  # the sink is down: spilled to the journal
        data = journal.data()
        gateway.kill()  # (a graceful stop would wait for the sink; see test_recording_pipeline)
    assert b"?key=[redacted]&trace=1" in data
    leaked = [secret for secret in (rs.OPENAI_KEY, rs.CLIENT_BEARER, SECRETS[-1]) if secret.encode() in data]
    assert not leaked, f"the journal {[p.name for p in journal.files()]} holds {leaked}"


# ---- 6. outcomes with partial output -------------------------------------------------------------------------------


def raw_stream_request(port: int, path: str, body: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"POST %s HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
                 b"anthropic-version: 2023-06-01\r\nContent-Length: %d\r\n\r\n%s" % (path.encode(), len(body), body))
    return sock


@pytest.mark.parametrize("dialect", ["openai", "anthropic"])
def test_client_disconnect_mid_stream_is_stored_as_client_cancelled_with_the_partial_text(oa, an, recording, dialect):
    pieces = ["Partial ", "answer ", "kept", " never", " sent"]
    if dialect == "openai":
        events, path = openai_stream_events(pieces), "/v1/chat/completions"
        oa.script(Stream(200, OPENAI_SSE_HEADERS, events[:4], end="hang"))  # role + 3 pieces, then silence
        body, mock = rs.openai_body("gpt-4o", stream=True, include_usage=True), oa
    else:
        events, path = anthropic_stream_events(pieces), "/v1/messages"
        an.script(Stream(200, ANTHROPIC_SSE_HEADERS, events[:6], end="hang"))  # start, block, ping, 3 pieces
        body, mock = rs.anthropic_body("claude-sonnet-4-5", stream=True), an
    sock = raw_stream_request(recording.gateway.port, path, body)
    received = b""
    while b"kept" not in received:
        data = sock.recv(65536)
        assert data, received
        received += data
    head = received.split(b"\r\n\r\n", 1)[0].decode()
    exchange_id = next(line.split(":", 1)[1].strip() for line in head.split("\r\n")
                       if line.lower().startswith("x-lessllm-exchange-id"))
    sock.close()
    assert mock.last.connection.closed.wait(5), "the upstream transfer was not cancelled"

    record, row = stored_by_id(recording, exchange_id)
    assert row["outcome"] == "client_cancelled"
    response = record["response"]
    text = (response["choices"][0]["message"]["content"] if dialect == "openai"
            else "".join(block["text"] for block in response["content"]))
    assert text == "Partial answer kept"
    assert len(record["timing"]["token_times_ms"]) == 3
    assert row["output_tokens"] is not None and row["output_tokens"] >= 1, "partial usage is kept"
    if dialect == "anthropic":
        # message_start's input is real; its output count (1) is a placeholder that message_delta never replaced:
        # the output is counted from the text (about four characters a token) and the usage marked estimated.
        assert row["input_tokens"] == 12, "message_start's input is real usage"
        assert (row["output_tokens"], row["tokens_estimated"]) == ((len(text) + 3) // 4, 1)
        assert record["usage"]["estimated"] is True


TRUNCATIONS = {
    # (dialect, how): the upstream closes the connection mid-body, or ends the body without its last event.
    ("openai", "break"): (lambda ev: Stream(200, OPENAI_SSE_HEADERS, ev[:2], end="break")),
    ("openai", "no [DONE]"): (lambda ev: Stream(200, OPENAI_SSE_HEADERS, ev[:-1])),
    ("anthropic", "break"): (lambda ev: Stream(200, ANTHROPIC_SSE_HEADERS, ev[:4], end="break")),
    ("anthropic", "no message_stop"): (lambda ev: Stream(200, ANTHROPIC_SSE_HEADERS, ev[:-1])),
}


@pytest.mark.parametrize("case", list(TRUNCATIONS), ids=[f"{d}-{h}" for d, h in TRUNCATIONS])
def test_truncated_upstream_is_stored_as_truncated_with_the_partial_text(oa, an, recording, http, case):
    dialect, how = case
    pieces = ["Cut ", "short"]
    if dialect == "openai":
        oa.script(TRUNCATIONS[case](openai_stream_events(pieces)))
        response = harness.post_json(http, "/v1/chat/completions",
                                     rs.openai_body("gpt-4o", stream=True, include_usage=True), rs.OPENAI_HEADERS)
    else:
        an.script(TRUNCATIONS[case](anthropic_stream_events(pieces)))
        response = harness.post_json(http, "/v1/messages", rs.anthropic_body("claude-sonnet-4-5", stream=True),
                                     rs.ANTHROPIC_HEADERS)
    assert response.status_code == 200
    record, row = stored(recording, response)
    assert row["outcome"] == "truncated", (row["outcome"], row["error_message"])
    assert row["error_message"], "the reason is kept"
    response_json = record["response"]
    expected = "Cut " if how == "break" else "Cut short"
    text = (response_json["choices"][0]["message"]["content"] if dialect == "openai"
            else "".join(block.get("text", "") for block in response_json["content"]))
    assert text == expected
    if dialect == "openai" and how == "no [DONE]":
        # the usage chunk arrived before the stream was cut: it is real usage
        assert (row["input_tokens"], row["output_tokens"], row["tokens_estimated"]) == (9, 2, 0)


MID_STREAM_ERRORS = {
    # PEER_BUGS #24: an error event after HTTP 200 (Anthropic `event: error`, an OpenAI error chunk).
    "anthropic": lambda: Stream(200, ANTHROPIC_SSE_HEADERS, anthropic_stream_events(["Half ", "done", "x"])[:5] + [
        sse_event("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})]),
    "openai": lambda: Stream(200, OPENAI_SSE_HEADERS, openai_stream_events(["Half ", "done", "x"])[:3] + [
        sse_data({"error": {"message": "Overloaded", "type": "server_error", "param": None, "code": None}})]),
}


@pytest.mark.parametrize("dialect", list(MID_STREAM_ERRORS))
def test_mid_stream_error_event_is_stored_as_an_error_with_the_partial_text(oa, an, recording, http, dialect):
    if dialect == "openai":
        oa.script(MID_STREAM_ERRORS[dialect]())
        response = harness.post_json(http, "/v1/chat/completions",
                                     rs.openai_body("gpt-4o", stream=True, include_usage=True), rs.OPENAI_HEADERS)
    else:
        an.script(MID_STREAM_ERRORS[dialect]())
        response = harness.post_json(http, "/v1/messages", rs.anthropic_body("claude-sonnet-4-5", stream=True),
                                     rs.ANTHROPIC_HEADERS)
    assert response.status_code == 200 and b"Overloaded" in response.content  # the client was told
    record, row = stored(recording, response)
    text = (record["response"].get("choices", [{}])[0].get("message", {}).get("content") if dialect == "openai"
            else "".join(block.get("text", "") for block in record["response"].get("content", [])))
    assert text == "Half done", f"partial output lost: {record['response']}"
    assert row["outcome"] in ("upstream_error", "truncated"), row["outcome"]
    assert "Overloaded" in (row["error_message"] or "")


@pytest.mark.parametrize("dialect", ["openai", "anthropic"])
def test_upstream_500_is_stored_as_upstream_error(oa, an, recording, http, dialect):
    if dialect == "openai":
        oa.script(Reply(500, OPENAI_JSON_HEADERS, openai_error("The server had an error", "server_error", None)))
        response = harness.post_json(http, "/v1/chat/completions", rs.openai_body("gpt-4o"), rs.OPENAI_HEADERS)
    else:
        an.script(Reply(500, ANTHROPIC_JSON_HEADERS, anthropic_error("api_error", "Internal server error")))
        response = harness.post_json(http, "/v1/messages", rs.anthropic_body("claude-sonnet-4-5", stream=True),
                                     rs.ANTHROPIC_HEADERS)
    assert response.status_code == 500
    record, row = stored(recording, response)
    assert (row["outcome"], row["status"], row["upstream_status"]) == ("upstream_error", 500, 500)
    assert record["error"]["status"] == 500
    assert record["response"] == json.loads(response.content), "the error body the client got is stored"


def test_silent_upstream_with_a_short_first_byte_timeout_is_stored_as_timeout(oa, recording, http):
    oa.script(Silent())
    response = harness.post_json(http, "/v1/chat/completions", rs.openai_body("gpt-short-4o", stream=True),
                                 rs.OPENAI_HEADERS)
    assert response.status_code == 504
    record, row = stored(recording, response)
    assert (row["outcome"], row["status"], row["upstream_status"], row["ttft_ms"]) == ("timeout", 504, None, None)
    assert row["provider"] == "oa_short" and "0.7 seconds" in row["error_message"]
    assert 700 <= row["total_ms"] < 3000


def test_unknown_model_is_stored_as_rejected(recording, http):
    response = harness.post_json(http, "/v1/chat/completions", rs.openai_body("no-such-model", "refused"),
                                 rs.OPENAI_HEADERS)
    assert response.status_code == 404
    record, row = stored(recording, response)
    assert (row["outcome"], row["status"], row["provider"], row["upstream_status"]) == ("rejected", 404, None, None)
    assert row["requested_model"] == "no-such-model", "the model the client asked for is kept (and filterable)"
    assert "no-such-model" in row["error_message"]
    assert json.loads(row["response_json"]) == json.loads(response.content)
    assert record["http"]["upstream"] is None
    assert (row["input_tokens"], row["cost_total"]) == (None, None), "nothing was sent upstream: no tokens, no cost"


# ---- 8. cost of converted answers and cache tiers -------------------------------------------------------------------


def converting_config(oa, an, echo_plugins, db_path) -> dict:
    """The recording gateway with the dialect converter: a client of either dialect may use either mock."""
    config = rs.recording_config(oa, an, echo_plugins, db_path=db_path)
    config["plugins"]["files"].append(str(harness.plugin_dir() / "libDialectConverter.so"))
    config["converters"] = {"dialects": {"plugin": "dev.lessllm.converter.dialects"}}
    return config


def test_one_hour_cache_writes_are_priced_at_their_rate_in_the_header_and_the_record(an, recording, http):
    # claude-sonnet-4-5: input $3, 5-minute writes $3.75, 1-hour writes $6, reads $0.30, output $15 per million.
    usage = rs.anthropic_usage_block(input_tokens=10, output_tokens=100, cache_read=2_000, cache_write=100_000)
    usage["cache_creation"] = {"ephemeral_5m_input_tokens": 40_000, "ephemeral_1h_input_tokens": 60_000}
    an.script(Reply(200, ANTHROPIC_JSON_HEADERS, rs.anthropic_message_with(usage)))
    response = harness.post_json(http, "/v1/messages", rs.anthropic_body("claude-sonnet-4-5"), rs.ANTHROPIC_HEADERS)

    assert response.status_code == 200
    record, row = stored(recording, response)
    golden = (10 * 3 + 2_000 * 0.30 + 40_000 * 3.75 + 60_000 * 6.00 + 100 * 15) / 1e6
    assert row["cost_total"] == pytest.approx(golden, abs=1e-12)
    assert response.headers["x-lessllm-cost-usd"] == f"{golden:.8f}"
    assert record["usage"]["cache_write"] == 100_000 and record["usage"]["cache_write_1h"] == 60_000
    assert record["cost"]["cache_write"] == pytest.approx((40_000 * 3.75 + 60_000 * 6.00) / 1e6, abs=1e-12)
    assert record["cost"]["price"]["cache_write_1h"] == 6.0


def test_a_converted_answers_cost_header_is_the_stored_cost_from_the_upstreams_usage(
        lessllm_bin, oa, an, echo_plugins, tmp_path):
    """An OpenAI client on an Anthropic model: the converted body can only count cache writes as prompt tokens, so
    the header is priced from the upstream's own usage, as the record is."""
    db_path = tmp_path / "log.db"
    usage = rs.anthropic_usage_block(input_tokens=50, output_tokens=20, cache_read=1_000, cache_write=10_000)
    an.script(Reply(200, ANTHROPIC_JSON_HEADERS, rs.anthropic_message_with(usage)))
    with rs.RecordingGateway(converting_config(oa, an, echo_plugins, db_path), tmp_path) as gateway, \
            gateway.client() as client:
        response = harness.post_json(client, "/v1/chat/completions", rs.openai_body("claude-sonnet-4-5"),
                                     rs.OPENAI_HEADERS)
        assert response.status_code == 200
        assert response.json()["usage"]["prompt_tokens"] == 11_050  # what the client sees: every prompt token
        store = rs.Store(db_path)
        exchange_id = response.headers["x-lessllm-exchange-id"]
        store.wait_for([exchange_id])
        row = store.row(exchange_id)
    golden = (50 * 3 + 1_000 * 0.30 + 10_000 * 3.75 + 20 * 15) / 1e6
    assert (row["converted"], row["cache_write_tokens"], row["tokens_estimated"]) == (1, 10_000, 0)
    assert row["cost_total"] == pytest.approx(golden, abs=1e-12)
    assert response.headers["x-lessllm-cost-usd"] == f"{golden:.8f}"


def test_a_converted_answer_without_upstream_usage_is_stored_as_estimated(lessllm_bin, oa, an, echo_plugins, tmp_path):
    """The converter has to give an Anthropic client some usage; those numbers are its guess, not a report."""
    db_path = tmp_path / "log.db"
    events = openai_stream_events(["A reply ", "of several ", "words."], usage=False)
    oa.script(Stream(200, OPENAI_SSE_HEADERS, events))
    with rs.RecordingGateway(converting_config(oa, an, echo_plugins, db_path), tmp_path) as gateway, \
            gateway.client() as client:
        response = harness.post_json(client, "/v1/messages", rs.anthropic_body("gpt-4o", stream=True),
                                     rs.ANTHROPIC_HEADERS)
        assert response.status_code == 200
        assert b'"output_tokens"' in response.content  # the client got usage, made up by the converter
        store = rs.Store(db_path)
        exchange_id = response.headers["x-lessllm-exchange-id"]
        store.wait_for([exchange_id])
        record, row = store.record(exchange_id), store.row(exchange_id)
    assert (row["converted"], row["tokens_estimated"]) == (1, 1)
    assert record["usage"]["estimated"] is True
    assert row["output_tokens"] == (len("A reply of several words.") + 3) // 4


# ---- 9. upstream requests a provider ends in unusual ways (Tests/Fixtures/plugins/lifecycle_provider.c) ------------


@pytest.fixture(scope="module")
def lifecycle_plugin(tmp_path_factory) -> Path:
    compiler = os.environ.get("CC") or shutil.which("cc") or "gcc"
    target = tmp_path_factory.mktemp("lifecycle") / "liblifecycle_provider.so"
    subprocess.run([compiler, "-shared", "-fPIC", "-std=c11", "-O2", "-I", str(rs.REPO / "Sources/PluginABI/include"),
                    "-o", str(target), str(rs.REPO / "Tests/Fixtures/plugins/lifecycle_provider.c")],
                   check=True, capture_output=True)
    return target


def lifecycle_config(oa, an, echo_plugins, db_path, plugin: Path) -> dict:
    config = rs.recording_config(oa, an, echo_plugins, db_path=db_path)
    config["plugins"]["files"].append(str(plugin))
    config["providers"]["life"] = harness.provider("test.lessllm.lifecycle", oa.base_url, timeouts=harness.NORMAL)
    config["routes"][:0] = [{"model": "cancel-on-head", "provider": "life"},
                            {"model": "start-then-fail", "provider": "life"}]
    return config


def test_a_request_the_provider_cancels_while_the_client_waits_is_an_error_not_an_empty_answer(
        lessllm_bin, oa, an, echo_plugins, tmp_path, lifecycle_plugin):
    db_path = tmp_path / "log.db"
    oa.script(Stream(200, OPENAI_SSE_HEADERS, openai_stream_events(["never", " relayed"]), end="hang"))
    with rs.RecordingGateway(lifecycle_config(oa, an, echo_plugins, db_path, lifecycle_plugin), tmp_path) as gateway, \
            gateway.client() as client:
        response = harness.post_json(client, "/v1/chat/completions", rs.openai_body("cancel-on-head"),
                                     rs.OPENAI_HEADERS)
        assert oa.last.connection.closed.wait(5), "the cancelled upstream request was not closed"
        store = rs.Store(db_path)
        exchange_id = response.headers["x-lessllm-exchange-id"]
        store.wait_for([exchange_id])
        row = store.row(exchange_id)
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["message"] == "The upstream request was cancelled: cancelled by the gateway."
    assert (row["outcome"], row["status"]) == ("upstream_error", 503)


def test_a_request_started_by_a_provider_whose_open_then_fails_is_cancelled(
        lessllm_bin, oa, an, echo_plugins, tmp_path, lifecycle_plugin):
    db_path = tmp_path / "log.db"
    oa.script(Silent())
    with rs.RecordingGateway(lifecycle_config(oa, an, echo_plugins, db_path, lifecycle_plugin), tmp_path) as gateway, \
            gateway.client() as client:
        response = harness.post_json(client, "/v1/chat/completions", rs.openai_body("start-then-fail"),
                                     rs.OPENAI_HEADERS)
        assert response.status_code == 502, response.text
        assert "test.lessllm.lifecycle refused the request" in response.json()["error"]["message"]
        # The upstream request it had started is not left running (it would hold the exchange until a timeout):
        # cancelled at once, it mostly never reaches the upstream; one that did is closed.
        time.sleep(0.5)
        assert all(request.connection.closed.wait(1.5) for request in oa.requests), oa.requests  # not 5 s later
        store = rs.Store(db_path)
        exchange_id = response.headers["x-lessllm-exchange-id"]
        store.wait_for([exchange_id])
        assert store.row(exchange_id)["outcome"] == "upstream_error"
