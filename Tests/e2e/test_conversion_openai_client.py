"""Issue 4, OpenAI client → Anthropic upstream: the official `openai` SDK talks to the gateway, whose route sends
`claude-*` to the Anthropic mock. Each test checks what the mock received (the converted request) and what the SDK
returned (the converted response or stream)."""
from __future__ import annotations

import json
import threading
import time

import openai
import pytest

from conversion_support import conv_gateway, conv_http, conv_openai  # noqa: F401 (fixtures)
from conversion_support import (AN_PING, AN_STOP, CLAMP_ANTHROPIC, DEFAULT_MAX_TOKENS, OA_PATH, an_block_start,
                                an_block_stop, an_delta, an_json_delta, an_message, an_message_delta, an_start,
                                an_text_delta, an_text_stream, openai_chunks, post_stream)
from harness import ANTHROPIC_UPSTREAM_KEY
from mocks.upstream import Reply, Stream, WaitFor
from mocks.wire import ANTHROPIC_JSON_HEADERS, ANTHROPIC_SSE_HEADERS

MODEL = "claude-sonnet-4-5"
USER = [{"role": "user", "content": "What is the weather in Paris, and what time is it there?"}]
WEATHER_SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"],
                  "additionalProperties": False}
CLOCK_SCHEMA = {"type": "object", "properties": {"tz": {"type": "string"}}, "required": ["tz"],
                "additionalProperties": False}
TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Current weather for a city",
                                           "parameters": WEATHER_SCHEMA, "strict": True}},
         {"type": "function", "function": {"name": "get_time", "description": "Local time in a time zone",
                                           "parameters": CLOCK_SCHEMA, "strict": True}}]
ANTHROPIC_TOOLS = [{"name": "get_weather", "description": "Current weather for a city", "input_schema": WEATHER_SCHEMA},
                   {"name": "get_time", "description": "Local time in a time zone", "input_schema": CLOCK_SCHEMA}]
SIGNATURE = ("EqQBCkgIARABGAIiQL2+/vXkV1xmN0/8Qz+Yd4XfDcq2w0p5yT9nXmE1vVhZPq3w8sLk/UoTnYb4R6cJzA==" * 4
             + "Ex/+==")  # base64 with '/', '+' and '=', as Anthropic's signatures are


def reply(mock, content: list[dict], stop_reason: str = "end_turn", **kwargs) -> None:
    mock.script(Reply(200, ANTHROPIC_JSON_HEADERS, an_message(content, stop_reason, **kwargs)))


def stream(mock, events: list) -> None:
    mock.script(Stream(200, ANTHROPIC_SSE_HEADERS, events))


def collect(client, **kwargs) -> list:
    """`chat.completions.create(stream=True)` iterated to the end."""
    return list(client.chat.completions.create(stream=True, **kwargs))


def final_completion(client, **kwargs):
    with client.chat.completions.stream(**kwargs) as live:
        for _ in live:  # every event must be accepted
            pass
        return live.get_final_completion()


# ---- text, system, images, parameters ---------------------------------------------------------------------------


def test_peer_bug_25_stream_first_chunk_has_role_assistant_then_text(an, conv_openai):
    stream(an, an_text_stream(["Bon", "jour", " ✓"]))

    chunks = collect(conv_openai, model=MODEL, messages=USER)

    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content] == [
        "Bon", "jour", " ✓"]
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.usage is None for c in chunks)  # the client did not ask for usage
    assert {c.id for c in chunks} == {chunks[0].id} and chunks[0].id.startswith("chatcmpl-")
    assert {c.model for c in chunks} == {MODEL} and {c.object for c in chunks} == {"chat.completion.chunk"}
    upstream = an.last
    assert (upstream.method, upstream.path) == ("POST", "/v1/messages")
    assert upstream.header("x-api-key") == ANTHROPIC_UPSTREAM_KEY and upstream.header("authorization") is None
    assert upstream.header("anthropic-version")
    assert upstream.json() == {"model": MODEL, "max_tokens": DEFAULT_MAX_TOKENS, "messages": USER, "stream": True}


def test_stream_raw_chunks_end_with_done(an, conv_http):
    stream(an, an_text_stream(["a", "b"]))

    status, headers, raw = post_stream(conv_http, OA_PATH, {"model": MODEL, "stream": True, "messages": USER})

    assert status == 200 and headers["content-type"].startswith("text/event-stream")
    chunks, done = openai_chunks(raw)
    assert done and raw.endswith(b"data: [DONE]\n\n")
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert [c["choices"][0]["finish_reason"] for c in chunks] == [None, None, None, "stop"]
    assert all("usage" not in c or c["usage"] is None for c in chunks)


def test_stream_helper_final_completion_with_usage(an, conv_openai):
    stream(an, an_text_stream(["Hello", " there"], input_tokens=10, cache_read=100, cache_write=50))

    completion = final_completion(conv_openai, model=MODEL, messages=USER, max_tokens=64,
                                  stream_options={"include_usage": True})

    assert an.last.json()["max_tokens"] == 64
    assert completion.choices[0].message.content == "Hello there"
    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].finish_reason == "stop"
    usage = completion.usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (160, 2, 162)
    assert usage.prompt_tokens_details.cached_tokens == 100


def test_usage_chunk_only_when_asked(an, conv_http):
    stream(an, an_text_stream(["x"], input_tokens=7))
    stream(an, an_text_stream(["x"], input_tokens=7))

    _, _, with_usage = post_stream(conv_http, OA_PATH, {"model": MODEL, "stream": True, "messages": USER,
                                                        "stream_options": {"include_usage": True}})
    _, _, without = post_stream(conv_http, OA_PATH, {"model": MODEL, "stream": True, "messages": USER,
                                                     "stream_options": {"include_usage": False}})

    chunks, done = openai_chunks(with_usage)
    assert done and chunks[-1]["choices"] == []
    assert chunks[-1]["usage"] == {"prompt_tokens": 7, "completion_tokens": 1, "total_tokens": 8,
                                   "prompt_tokens_details": {"cached_tokens": 0}}
    assert all(c.get("usage") is None for c in chunks[:-1])
    chunks, done = openai_chunks(without)
    assert done and all(c.get("usage") is None and c["choices"] for c in chunks)
    assert "stream_options" not in an.requests[0].json()


def test_non_stream_create_text_and_cache_usage(an, conv_openai):
    reply(an, [{"type": "text", "text": "Sunny, 18°C."}], input_tokens=10, output_tokens=9, cache_read=100,
          cache_write=50)

    completion = conv_openai.chat.completions.create(model=MODEL, messages=USER, max_completion_tokens=777)

    assert an.last.json() == {"model": MODEL, "max_tokens": 777, "messages": USER}
    assert completion.id.startswith("chatcmpl-") and completion.object == "chat.completion"
    assert completion.model == MODEL
    choice = completion.choices[0]
    assert (choice.message.role, choice.message.content, choice.finish_reason) == ("assistant", "Sunny, 18°C.", "stop")
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens, completion.usage.total_tokens) == (
        160, 9, 169)
    assert completion.usage.prompt_tokens_details.cached_tokens == 100


def test_system_and_developer_messages_become_system(an, conv_openai):
    reply(an, [{"type": "text", "text": "ok"}])
    messages = [{"role": "system", "content": "You are terse."},
                {"role": "developer", "content": [{"type": "text", "text": "Use metric units."}]},
                {"role": "user", "content": "First?"}, {"role": "assistant", "content": "One."},
                {"role": "user", "content": "Second?"}]

    conv_openai.chat.completions.create(model=MODEL, messages=messages, temperature=1.5, top_p=0.9, user="user-7")

    assert an.last.json() == {
        "model": MODEL, "max_tokens": DEFAULT_MAX_TOKENS,
        "system": [{"type": "text", "text": "You are terse."}, {"type": "text", "text": "Use metric units."}],
        "messages": [{"role": "user", "content": "First?"}, {"role": "assistant", "content": "One."},
                     {"role": "user", "content": "Second?"}],
        # temperature capped at Anthropic's 1; top_p dropped, as Claude models refuse it beside temperature
        "temperature": 1, "metadata": {"user_id": "user-7"}}


def test_a_single_system_message_becomes_a_system_string(an, conv_openai):
    reply(an, [{"type": "text", "text": "ok"}])

    conv_openai.chat.completions.create(model=MODEL, messages=[{"role": "system", "content": "Be brief."}, *USER])

    sent = an.last.json()
    assert sent["system"] == "Be brief." and sent["messages"] == USER


def test_images_data_url_and_http_url(an, conv_openai):
    reply(an, [{"type": "text", "text": "Two cats."}])
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    content = [{"type": "text", "text": "Compare these."},
               {"type": "image_url", "image_url": {"url": "data:image/png;base64," + png, "detail": "high"}},
               {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}}]

    conv_openai.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": content}])

    assert an.last.json()["messages"] == [{"role": "user", "content": [
        {"type": "text", "text": "Compare these."},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": png}},
        {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}}]}]


def test_peer_bug_14_empty_content_never_goes_upstream(an, conv_openai):
    reply(an, [{"type": "text", "text": "ok"}])
    messages = [{"role": "system", "content": ""}, {"role": "user", "content": "Hello"},
                {"role": "assistant", "content": ""}, {"role": "user", "content": [{"type": "text", "text": "  "}]},
                {"role": "user", "content": "Again"}]

    conv_openai.chat.completions.create(model=MODEL, messages=messages)

    sent = an.last.json()
    assert "system" not in sent
    assert sent["messages"] == [{"role": "user", "content": [{"type": "text", "text": "Hello"},
                                                             {"type": "text", "text": "Again"}]}]


# ---- max_tokens --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs,sent", [
    ({}, DEFAULT_MAX_TOKENS),  # Anthropic requires max_tokens: the configured default
    ({"max_tokens": 321}, 321),
    ({"max_completion_tokens": 654, "max_tokens": 321}, 654),
])
def test_max_tokens_default_when_absent(an, conv_openai, kwargs, sent):
    reply(an, [{"type": "text", "text": "ok"}])

    conv_openai.chat.completions.create(model=MODEL, messages=USER, **kwargs)

    assert an.last.json()["max_tokens"] == sent


@pytest.mark.parametrize("kwargs,sent", [({"max_tokens": 64000}, CLAMP_ANTHROPIC), ({}, CLAMP_ANTHROPIC),
                                         ({"max_tokens": 1500}, 1500)])
def test_peer_bug_11_max_tokens_is_clamped_to_the_models_output_limit(an, conv_openai, kwargs, sent):
    reply(an, [{"type": "text", "text": "ok"}])

    conv_openai.chat.completions.create(model="claude-clamp-haiku", messages=USER, **kwargs)

    assert an.last.json()["max_tokens"] == sent


# ---- stop reasons ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("streamed", [False, True])
@pytest.mark.parametrize("stop,sent", [("END", ["END"]), (["###", "END"], ["###", "END"])])
def test_stop_becomes_stop_sequences_and_stop_sequence_is_stop(an, conv_openai, streamed, stop, sent):
    if streamed:
        stream(an, an_text_stream(["one"], stop_reason="stop_sequence", stop_sequence="END"))
        completion = final_completion(conv_openai, model=MODEL, messages=USER, stop=stop)
    else:
        reply(an, [{"type": "text", "text": "one"}], stop_reason="stop_sequence", stop_sequence="END")
        completion = conv_openai.chat.completions.create(model=MODEL, messages=USER, stop=stop)

    assert an.last.json()["stop_sequences"] == sent and "stop" not in an.last.json()
    assert completion.choices[0].finish_reason == "stop"
    assert completion.choices[0].message.content == "one"


@pytest.mark.parametrize("streamed", [False, True])
def test_max_tokens_stop_becomes_length(an, conv_openai, streamed):
    if streamed:
        stream(an, an_text_stream(["The", " weather"], stop_reason="max_tokens"))
        with pytest.raises(openai.LengthFinishReasonError) as raised:  # the helper's own reaction to "length"
            final_completion(conv_openai, model=MODEL, messages=USER, max_tokens=2)
        completion = raised.value.completion
    else:
        reply(an, [{"type": "text", "text": "The weather"}], stop_reason="max_tokens", output_tokens=2)
        completion = conv_openai.chat.completions.create(model=MODEL, messages=USER, max_tokens=2)

    assert completion.choices[0].finish_reason == "length"
    assert completion.choices[0].message.content == "The weather"


# ---- tools -------------------------------------------------------------------------------------------------------


def two_tool_stream() -> list[bytes]:
    return [an_start(), an_block_start(0, {"type": "text", "text": ""}), AN_PING,
            an_text_delta(0, "Let me check."), an_block_stop(0),
            an_block_start(1, {"type": "tool_use", "id": "toolu_01Wea", "name": "get_weather", "input": {}}),
            an_json_delta(1, ""), an_json_delta(1, '{"city": "Pa'), an_json_delta(1, 'ris"}'), an_block_stop(1),
            an_block_start(2, {"type": "tool_use", "id": "toolu_01Clk", "name": "get_time", "input": {}}),
            an_json_delta(2, '{"tz": '), an_json_delta(2, '"Europe/Paris"}'), an_block_stop(2),
            an_message_delta("tool_use", 60), AN_STOP]


def test_peer_bug_23_two_tool_use_blocks_become_tool_calls_0_and_1(an, conv_openai):
    stream(an, two_tool_stream())

    chunks = collect(conv_openai, model=MODEL, messages=USER, tools=TOOLS)

    calls = [call for c in chunks if c.choices and c.choices[0].delta.tool_calls
             for call in c.choices[0].delta.tool_calls]
    assert sorted({call.index for call in calls}) == [0, 1]
    ids = [(call.index, call.id) for call in calls if call.id]
    names = [(call.index, call.function.name) for call in calls if call.function and call.function.name]
    assert ids == [(0, "call_toolu_01Wea"), (1, "call_toolu_01Clk")]  # each id exactly once
    assert names == [(0, "get_weather"), (1, "get_time")]  # each name exactly once
    arguments = {0: "", 1: ""}
    for call in calls:
        arguments[call.index] += call.function.arguments or ""
    assert arguments == {0: '{"city": "Paris"}', 1: '{"tz": "Europe/Paris"}'}
    assert chunks[-1].choices[0].finish_reason == "tool_calls"
    assert an.last.json()["tools"] == ANTHROPIC_TOOLS  # strict has no Anthropic form


def test_full_tool_round_trip_through_the_stream_helper(an, conv_openai):
    stream(an, two_tool_stream())
    first = final_completion(conv_openai, model=MODEL, messages=USER, tools=TOOLS, tool_choice="auto")
    message = first.choices[0].message
    assert first.choices[0].finish_reason == "tool_calls" and message.content == "Let me check."
    assert [(t.id, t.function.name, t.function.parsed_arguments) for t in message.tool_calls] == [
        ("call_toolu_01Wea", "get_weather", {"city": "Paris"}),
        ("call_toolu_01Clk", "get_time", {"tz": "Europe/Paris"})]

    reply(an, [{"type": "text", "text": "18°C; 14:05."}])
    history = USER + [
        {"role": "assistant", "content": message.content,
         "tool_calls": [{"id": t.id, "type": "function",
                         "function": {"name": t.function.name, "arguments": t.function.arguments}}
                        for t in message.tool_calls]},
        {"role": "tool", "tool_call_id": "call_toolu_01Wea", "content": "18°C, sunny"},
        {"role": "tool", "tool_call_id": "call_toolu_01Clk", "content": "14:05"}]
    second = conv_openai.chat.completions.create(model=MODEL, messages=history, tools=TOOLS, tool_choice="auto")

    sent = an.last.json()
    assert sent["tool_choice"] == {"type": "auto"} and sent["tools"] == ANTHROPIC_TOOLS
    assert sent["messages"] == USER + [
        {"role": "assistant", "content": [
            {"type": "text", "text": "Let me check."},
            {"type": "tool_use", "id": "toolu_01Wea", "name": "get_weather", "input": {"city": "Paris"}},
            {"type": "tool_use", "id": "toolu_01Clk", "name": "get_time", "input": {"tz": "Europe/Paris"}}]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_01Wea", "content": "18°C, sunny"},
            {"type": "tool_result", "tool_use_id": "toolu_01Clk", "content": "14:05"}]}]
    assert second.choices[0].message.content == "18°C; 14:05."


def test_peer_bug_22_consecutive_tool_results_merge_into_one_user_turn(an, conv_openai):
    reply(an, [{"type": "text", "text": "ok"}])
    calls = [{"id": f"call_toolu_0{n}", "type": "function",
              "function": {"name": "get_weather", "arguments": json.dumps({"city": city})}}
             for n, city in ((1, "Paris"), (2, "Oslo"), (3, "Rome"))]
    messages = USER + [{"role": "assistant", "content": None, "tool_calls": calls},
                       {"role": "tool", "tool_call_id": "call_toolu_01", "content": "18°C"},
                       {"role": "tool", "tool_call_id": "call_toolu_02", "content": [{"type": "text", "text": "4°C"}]},
                       {"role": "tool", "tool_call_id": "call_toolu_03", "content": "22°C"},
                       {"role": "user", "content": "Which is warmest?"}]

    conv_openai.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS[:1])

    sent = an.last.json()["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]
    assert [b["id"] for b in sent[1]["content"]] == ["toolu_01", "toolu_02", "toolu_03"]
    assert sent[2]["content"] == [
        {"type": "tool_result", "tool_use_id": "toolu_01", "content": "18°C"},
        {"type": "tool_result", "tool_use_id": "toolu_02", "content": [{"type": "text", "text": "4°C"}]},
        {"type": "tool_result", "tool_use_id": "toolu_03", "content": "22°C"},
        {"type": "text", "text": "Which is warmest?"}]


def test_non_stream_tool_use_blocks_become_tool_calls(an, conv_openai):
    reply(an, [{"type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": {"city": "Paris"}},
               {"type": "tool_use", "id": "toolu_01B", "name": "get_time", "input": {"tz": "Europe/Paris"}}],
          stop_reason="tool_use")

    completion = conv_openai.chat.completions.create(model=MODEL, messages=USER, tools=TOOLS)

    message = completion.choices[0].message
    assert message.content is None and completion.choices[0].finish_reason == "tool_calls"
    assert [(t.id, t.type, t.function.name, json.loads(t.function.arguments)) for t in message.tool_calls] == [
        ("call_toolu_01A", "function", "get_weather", {"city": "Paris"}),
        ("call_toolu_01B", "function", "get_time", {"tz": "Europe/Paris"})]


@pytest.mark.parametrize("kwargs,expected", [
    ({"tool_choice": "auto"}, {"type": "auto"}),
    ({"tool_choice": "required"}, {"type": "any"}),
    ({"tool_choice": "none"}, {"type": "none"}),
    ({"tool_choice": {"type": "function", "function": {"name": "get_time"}}}, {"type": "tool", "name": "get_time"}),
    ({"parallel_tool_calls": False}, {"type": "auto", "disable_parallel_tool_use": True}),
])
def test_tool_choice_maps_to_anthropic(an, conv_openai, kwargs, expected):
    reply(an, [{"type": "text", "text": "ok"}])

    conv_openai.chat.completions.create(model=MODEL, messages=USER, tools=TOOLS, **kwargs)

    assert an.last.json()["tool_choice"] == expected


def test_peer_bug_20_tool_schemas_are_valid_anthropic_input_schemas(an, conv_openai):
    reply(an, [{"type": "text", "text": "ok"}])
    tools = [{"type": "function", "function": {"name": "ping"}},
             {"type": "function", "function": {"name": "echo", "description": "Echo",
                                               "parameters": {"properties": {"x": {"type": "string"}}}}}]

    conv_openai.chat.completions.create(model=MODEL, messages=USER, tools=tools)

    assert an.last.json()["tools"] == [
        {"name": "ping", "input_schema": {"type": "object", "properties": {}}},
        {"name": "echo", "description": "Echo",
         "input_schema": {"properties": {"x": {"type": "string"}}, "type": "object"}}]


# ---- thinking ----------------------------------------------------------------------------------------------------


def thinking_tool_stream() -> list[bytes]:
    return [an_start(), an_block_start(0, {"type": "thinking", "thinking": "", "signature": ""}), AN_PING,
            an_delta(0, {"type": "thinking_delta", "thinking": "I should "}),
            an_delta(0, {"type": "thinking_delta", "thinking": "check the weather."}),
            an_delta(0, {"type": "signature_delta", "signature": SIGNATURE}), an_block_stop(0),
            an_block_start(1, {"type": "tool_use", "id": "toolu_01Th", "name": "get_weather", "input": {}}),
            an_json_delta(1, '{"city": "Paris"}'), an_block_stop(1),
            an_message_delta("tool_use", 80), AN_STOP]


def test_thinking_stream_becomes_reasoning_content_with_its_signature(an, conv_openai):
    stream(an, thinking_tool_stream())

    chunks = collect(conv_openai, model=MODEL, messages=USER, tools=TOOLS, reasoning_effort="low", max_tokens=4000)

    assert an.last.json()["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    assert "".join(getattr(d, "reasoning_content", None) or "" for d in deltas) == "I should check the weather."
    signatures = [d.reasoning_signature for d in deltas if getattr(d, "reasoning_signature", None)]
    assert signatures == [SIGNATURE]  # whole, once


def test_peer_bug_8_signature_round_trips_exactly(an, conv_openai):
    stream(an, thinking_tool_stream())
    first = final_completion(conv_openai, model=MODEL, messages=USER, tools=TOOLS, reasoning_effort="low",
                             max_tokens=4000)
    message = first.choices[0].message
    assert message.reasoning_content == "I should check the weather."
    assert message.reasoning_signature == SIGNATURE

    reply(an, [{"type": "text", "text": "18°C."}])
    history = USER + [
        {"role": "assistant", "content": message.content, "reasoning_content": message.reasoning_content,
         "reasoning_signature": message.reasoning_signature,
         "tool_calls": [{"id": t.id, "type": "function",
                         "function": {"name": t.function.name, "arguments": t.function.arguments}}
                        for t in message.tool_calls]},
        {"role": "tool", "tool_call_id": message.tool_calls[0].id, "content": "18°C"}]
    conv_openai.chat.completions.create(model=MODEL, messages=history, tools=TOOLS, reasoning_effort="low",
                                        max_tokens=4000)

    assert an.last.json()["messages"][1:] == [
        {"role": "assistant", "content": [
            {"type": "thinking", "thinking": "I should check the weather.", "signature": SIGNATURE},
            {"type": "tool_use", "id": "toolu_01Th", "name": "get_weather", "input": {"city": "Paris"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01Th", "content": "18°C"}]}]
    assert b'"signature":"' + SIGNATURE.encode() + b'"' in an.last.body  # byte for byte, no re-escaping


def test_non_stream_thinking_and_redacted_thinking(an, conv_openai):
    reply(an, [{"type": "thinking", "thinking": "Deliberation.", "signature": SIGNATURE},
               {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4a"},
               {"type": "text", "text": "Answer."}])

    completion = conv_openai.chat.completions.create(model=MODEL, messages=USER)

    message = completion.choices[0].message
    assert message.content == "Answer."
    assert (message.reasoning_content, message.reasoning_signature) == ("Deliberation.", SIGNATURE)
    assert message.reasoning_redacted == ["EmwKAhgBEgy3va3pzix/LafPsn4a"]


def test_reasoning_without_a_signature_is_not_sent_to_anthropic(an, conv_openai):
    reply(an, [{"type": "text", "text": "ok"}])
    history = USER + [{"role": "assistant", "content": "Plan.", "reasoning_content": "Unsigned thoughts."},
                      {"role": "user", "content": "Go on."}]

    conv_openai.chat.completions.create(model=MODEL, messages=history)

    assert an.last.json()["messages"][1] == {"role": "assistant", "content": "Plan."}


# ---- refused -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs,word", [({"n": 2}, "n=2"), ({"logprobs": True}, "logprobs"),
                                          ({"response_format": {"type": "json_schema", "json_schema": {
                                              "name": "x", "schema": {"type": "object"}}}}, "json_schema")])
@pytest.mark.parametrize("streamed", [False, True])
def test_parameters_whose_loss_changes_the_answer_are_a_400(an, conv_openai, kwargs, word, streamed):
    with pytest.raises(openai.BadRequestError) as raised:
        conv_openai.chat.completions.create(model=MODEL, messages=USER, stream=streamed, **kwargs)

    assert raised.value.status_code == 400
    assert word in raised.value.message
    assert raised.value.body["type"] == "invalid_request_error"
    assert an.requests == []


# ---- streaming mechanics -----------------------------------------------------------------------------------------


def test_stream_chunks_are_converted_the_moment_they_arrive(an, conv_http):
    gate = threading.Event()
    stream(an, [an_start(), an_block_start(0, {"type": "text", "text": ""}), AN_PING, an_text_delta(0, "early"),
                WaitFor(gate, timeout=5), an_text_delta(0, "late"), an_block_stop(0), an_message_delta("end_turn", 2),
                AN_STOP])

    started = time.monotonic()
    received = b""
    with conv_http.stream("POST", OA_PATH, content=json.dumps({"model": MODEL, "stream": True,
                                                               "messages": USER}).encode(),
                          headers={"content-type": "application/json"}) as response:
        for part in response.iter_raw():
            received += part
            if b'"content":"early"' in received and not gate.is_set():
                early_after = time.monotonic() - started
                gate.set()

    assert gate.is_set() and early_after < 2, "the converted chunk waited for later upstream events"
    assert an.last.waits_satisfied == [True]
    chunks, done = openai_chunks(received)
    assert done and [c["choices"][0]["delta"].get("content") for c in chunks][1:3] == ["early", "late"]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"], ids=["lf", "crlf"])
def test_stream_split_at_arbitrary_byte_boundaries(an, conv_openai, newline):
    pieces = ["Grüße, ", "日本", " ✓ ", '{"json": "in text"}']
    whole = b"".join(e.replace(b"\n", newline) for e in an_text_stream(pieces))
    cuts = list(range(0, len(whole), 7)) + [len(whole)]
    stream(an, [whole[a:b] for a, b in zip(cuts, cuts[1:])])

    completion = final_completion(conv_openai, model=MODEL, messages=USER)

    assert completion.choices[0].message.content == "".join(pieces)
    assert completion.choices[0].finish_reason == "stop"


# ---- ids, documents, stop reasons --------------------------------------------------------------------------------


def test_tool_ids_anthropic_refuses_are_rewritten_the_same_way_for_call_and_result(an, conv_openai):
    reply(an, [{"type": "text", "text": "ok"}])
    odd = "call:abc.1/2"
    conv_openai.chat.completions.create(model=MODEL, tools=TOOLS, messages=USER + [
        {"role": "assistant", "content": None, "tool_calls": [{"id": odd, "type": "function", "function": {
            "name": "get_weather", "arguments": '{"city":"Oslo"}'}}]},
        {"role": "tool", "tool_call_id": odd, "content": "4°C"}])

    sent = an.last.json()["messages"]
    use, result = sent[1]["content"][0], sent[2]["content"][0]
    assert use["id"] == result["tool_use_id"]
    assert all(ch.isalnum() or ch in "_-" for ch in use["id"])


def test_pdf_file_part_becomes_a_document(an, conv_openai):
    reply(an, [{"type": "text", "text": "A report."}])
    pdf = "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K"
    conv_openai.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": [
        {"type": "file", "file": {"filename": "report.pdf", "file_data": "data:application/pdf;base64," + pdf}},
        {"type": "text", "text": "Summarise."}]}])

    assert an.last.json()["messages"] == [{"role": "user", "content": [
        {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": pdf},
         "title": "report.pdf"},
        {"type": "text", "text": "Summarise."}]}]


@pytest.mark.parametrize("stop_reason,finish", [("end_turn", "stop"), ("stop_sequence", "stop"),
                                                ("pause_turn", "stop"), ("max_tokens", "length"),
                                                ("model_context_window_exceeded", "length"),
                                                ("tool_use", "tool_calls"), ("refusal", "content_filter")])
def test_every_stop_reason_maps_to_its_finish_reason(an, conv_openai, stop_reason, finish):
    reply(an, [{"type": "text", "text": "x"}], stop_reason=stop_reason)

    completion = conv_openai.chat.completions.create(model=MODEL, messages=USER)

    assert completion.choices[0].finish_reason == finish


# ---- known bugs --------------------------------------------------------------------------------------------------


def test_zero_argument_tool_call_streams_as_an_empty_object(an, conv_openai):
    no_args = {"type": "object", "properties": {}, "additionalProperties": False}
    tools = [{"type": "function", "function": {"name": "now", "parameters": no_args, "strict": True}}]
    stream(an, [an_start(), an_block_start(0, {"type": "tool_use", "id": "toolu_01N", "name": "now", "input": {}}),
                AN_PING, an_json_delta(0, ""), an_block_stop(0), an_message_delta("tool_use", 5), AN_STOP])

    completion = final_completion(conv_openai, model=MODEL, messages=USER, tools=tools)

    call = completion.choices[0].message.tool_calls[0]
    assert (call.function.name, call.function.arguments, call.function.parsed_arguments) == ("now", "{}", {})
