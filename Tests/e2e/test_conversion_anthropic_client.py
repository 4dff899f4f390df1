"""Issue 4, Anthropic client → OpenAI upstream: the official `anthropic` SDK talks to the gateway, whose route sends
`gpt-*`/`deepseek-*` to the OpenAI mock. Each test checks what the mock received (the converted request) and what
the SDK returned (the converted response or stream)."""
from __future__ import annotations

import json
import threading
import time

import pytest

from conversion_support import conv_anthropic, conv_gateway, conv_http  # noqa: F401 (fixtures)
from conversion_support import (AN_PATH, CLAMP_OPENAI, OA_DONE, OA_ROLE, anthropic_events, check_anthropic_event_order,
                                oa_choice, oa_completion, oa_event, oa_text_stream, oa_tool_args, oa_tool_start,
                                oa_usage, oa_usage_event, post_stream, sse_events)
from harness import OPENAI_UPSTREAM_KEY
from mocks.upstream import Pause, Reply, Stream, WaitFor
from mocks.wire import OPENAI_JSON_HEADERS, OPENAI_SSE_HEADERS

USER = [{"role": "user", "content": "What is the weather in Paris, and what time is it there?"}]
WEATHER = {"name": "get_weather", "description": "Current weather for a city",
           "input_schema": {"type": "object", "properties": {"city": {"type": "string"},
                                                             "unit": {"type": "string", "enum": ["c", "f"]}},
                            "required": ["city"]}}
CLOCK = {"name": "get_time", "description": "Local time in a time zone",
         "input_schema": {"type": "object", "properties": {"tz": {"type": "string"}}, "required": ["tz"]}}


def openai_tool(tool: dict) -> dict:
    return {"type": "function", "function": {"name": tool["name"], "description": tool["description"],
                                             "parameters": tool["input_schema"]}}


def reply(mock, message: dict, finish: str = "stop", usage: dict | None = None, **choice_extra) -> None:
    body = oa_completion(message, finish, usage)
    if choice_extra:
        parsed = json.loads(body)
        parsed["choices"][0].update(choice_extra)
        body = json.dumps(parsed).encode()
    mock.script(Reply(200, OPENAI_JSON_HEADERS, body))


def stream(mock, events: list) -> None:
    mock.script(Stream(200, OPENAI_SSE_HEADERS, events))


def run_stream(client, **kwargs):
    """messages.stream(...): every event iterated (the SDK must accept each), then the final message."""
    with client.messages.stream(**kwargs) as events:
        seen = [event.type for event in events]
        final = events.get_final_message()
    return seen, final


# ---- text, system, images, parameters ---------------------------------------------------------------------------


def test_create_text_with_a_string_system_and_sampling_parameters(oa, conv_anthropic):
    reply(oa, {"content": "Sunny, 18°C. It is 14:05."}, usage=oa_usage(31, 12))

    message = conv_anthropic.messages.create(model="gpt-4o", max_tokens=200, system="Answer in one line.",
                                             messages=USER, metadata={"user_id": "user-42"},
                                             extra_body={"temperature": 0.3, "top_p": 0.9})

    upstream = oa.last
    assert (upstream.method, upstream.path) == ("POST", "/v1/chat/completions")
    assert upstream.header("authorization") == f"Bearer {OPENAI_UPSTREAM_KEY}"
    assert upstream.header("x-api-key") is None and upstream.header("anthropic-version") is None
    assert upstream.json() == {"model": "gpt-4o", "max_tokens": 200, "temperature": 0.3, "top_p": 0.9,
                               "user": "user-42",
                               "messages": [{"role": "system", "content": "Answer in one line."}, *USER]}
    assert message.type == "message" and message.role == "assistant"
    assert message.id.startswith("msg_") and message.model == "gpt-4o"
    assert [(b.type, b.text) for b in message.content] == [("text", "Sunny, 18°C. It is 14:05.")]
    assert (message.stop_reason, message.stop_sequence) == ("end_turn", None)
    assert (message.usage.input_tokens, message.usage.output_tokens) == (31, 12)


def test_system_blocks_and_multi_turn_history(oa, conv_anthropic):
    reply(oa, {"content": "Third answer."})
    system = [{"type": "text", "text": "You are terse."},
              {"type": "text", "text": "Use metric units.", "cache_control": {"type": "ephemeral"}}]
    history = [{"role": "user", "content": "First?"},
               {"role": "assistant", "content": [{"type": "text", "text": "One."}, {"type": "text", "text": "Two."}]},
               {"role": "user", "content": [{"type": "text", "text": "Part A."}, {"type": "text", "text": "Part B."}]}]

    message = conv_anthropic.messages.create(model="gpt-4o-mini", max_tokens=50, system=system, messages=history,
                                             extra_body={"top_k": 5})

    assert oa.last.json() == {"model": "gpt-4o-mini", "max_tokens": 50, "messages": [
        {"role": "system", "content": "You are terse.\n\nUse metric units."},
        {"role": "user", "content": "First?"},
        {"role": "assistant", "content": "One.\n\nTwo."},
        {"role": "user", "content": "Part A.\n\nPart B."}]}  # top_k has no OpenAI form: dropped
    assert message.content[0].text == "Third answer."


def test_images_base64_and_url_become_image_url_parts(oa, conv_anthropic):
    reply(oa, {"content": "Two cats."})
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    content = [{"type": "text", "text": "Compare these."},
               {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": png}},
               {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}}]

    conv_anthropic.messages.create(model="gpt-4o", max_tokens=30, messages=[{"role": "user", "content": content}])

    assert oa.last.json()["messages"] == [{"role": "user", "content": [
        {"type": "text", "text": "Compare these."},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64," + png}},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}}]}]


def test_stream_text_every_event_accepted_and_final_message(oa, conv_anthropic):
    stream(oa, oa_text_stream(["Bon", "jour", " ✓"], usage=oa_usage(14, 3)))

    seen, final = run_stream(conv_anthropic, model="gpt-4o", max_tokens=64, messages=USER)

    assert oa.last.json() == {"model": "gpt-4o", "max_tokens": 64, "messages": USER, "stream": True,
                              "stream_options": {"include_usage": True}}
    assert seen[0] == "message_start" and seen[-1] == "message_stop"
    assert seen.count("text") == 3
    assert final.content[0].text == "Bonjour ✓"
    assert final.stop_reason == "end_turn" and final.id.startswith("msg_")
    assert (final.usage.input_tokens, final.usage.output_tokens) == (14, 3)


def test_stream_raw_events_follow_the_messages_api_order(oa, conv_http):
    stream(oa, oa_text_stream(["a", "b"], usage=oa_usage(5, 2)))

    status, headers, raw = post_stream(conv_http, AN_PATH, {"model": "gpt-4o", "max_tokens": 9, "stream": True,
                                                            "messages": USER})

    assert status == 200 and headers["content-type"].startswith("text/event-stream")
    events = anthropic_events(raw)
    check_anthropic_event_order(events)
    assert [e["type"] for e in events] == ["message_start", "ping", "content_block_start", "content_block_delta",
                                           "content_block_delta", "content_block_stop", "message_delta",
                                           "message_stop"]
    assert events[2]["content_block"] == {"type": "text", "text": ""}
    assert events[6]["delta"] == {"stop_reason": "end_turn", "stop_sequence": None}


def test_upstream_json_answer_to_a_stream_request_is_replayed_as_a_stream(oa, conv_anthropic):
    reply(oa, {"content": "not streamed"}, usage=oa_usage(8, 2))

    seen, final = run_stream(conv_anthropic, model="gpt-4o", max_tokens=9, messages=USER)

    assert seen[0] == "message_start" and seen[-1] == "message_stop"
    assert final.content[0].text == "not streamed" and final.usage.output_tokens == 2


# ---- tools ------------------------------------------------------------------------------------------------------


def interleaved_parallel_calls() -> list[bytes]:
    """Two tool calls whose argument fragments interleave, one chunk carrying fragments of both."""
    return [
        OA_ROLE,
        oa_event({"content": "Checking both."}),
        oa_tool_start(0, "call_W1x", "get_weather"),
        oa_tool_start(1, "call_T2y", "get_time"),
        oa_tool_args(0, '{"ci'),
        oa_tool_args(1, '{"tz": "Eu'),
        oa_event({"tool_calls": [{"index": 0, "function": {"arguments": 'ty": "Pa'}},
                                 {"index": 1, "function": {"arguments": 'rope/Paris"'}}]}),
        oa_tool_args(0, 'ris", "unit": "c"}'),
        oa_tool_args(1, "}"),
        oa_event({}, "tool_calls"),
        oa_usage_event(120, 40),
        OA_DONE,
    ]


WEATHER_ARGS, CLOCK_ARGS = '{"city": "Paris", "unit": "c"}', '{"tz": "Europe/Paris"}'


def test_peer_bug_18_interleaved_parallel_tool_calls_become_distinct_blocks(oa, conv_http):
    stream(oa, interleaved_parallel_calls())

    _, _, raw = post_stream(conv_http, AN_PATH, {"model": "gpt-4o", "max_tokens": 300, "stream": True,
                                                 "messages": USER, "tools": [WEATHER, CLOCK]})

    events = anthropic_events(raw)
    check_anthropic_event_order(events)  # non-overlapping, indices 0, 1, 2 in order
    starts = [e["content_block"] for e in events if e["type"] == "content_block_start"]
    assert starts == [{"type": "text", "text": ""},
                      {"type": "tool_use", "id": "toolu_call_W1x", "name": "get_weather", "input": {}},
                      {"type": "tool_use", "id": "toolu_call_T2y", "name": "get_time", "input": {}}]
    fragments = {1: "", 2: ""}
    for event in events:
        if event["type"] == "content_block_delta" and event["delta"]["type"] == "input_json_delta":
            fragments[event["index"]] += event["delta"]["partial_json"]
    assert fragments == {1: WEATHER_ARGS, 2: CLOCK_ARGS}
    assert events[-2]["delta"]["stop_reason"] == "tool_use"
    assert events[-2]["usage"]["output_tokens"] == 40


def test_peer_bug_1_tool_arguments_split_across_many_deltas_reach_the_sdk(oa, conv_anthropic):
    args = '{"city": "São Paulo", "note": "say \\"hi\\" {not a brace}", "unit": "c"}'
    pieces = [args[i:i + 5] for i in range(0, len(args), 5)]
    stream(oa, [OA_ROLE, oa_tool_start(0, "call_one", "get_weather")] + [oa_tool_args(0, p) for p in pieces]
           + [oa_event({}, "tool_calls"), oa_usage_event(50, 20), OA_DONE])

    seen, final = run_stream(conv_anthropic, model="gpt-4o", max_tokens=300, messages=USER, tools=[WEATHER])

    assert seen.count("input_json") == len(pieces)
    (block,) = final.content
    assert (block.type, block.id, block.name) == ("tool_use", "toolu_call_one", "get_weather")
    assert block.input == json.loads(args)
    assert final.stop_reason == "tool_use"


def test_peer_bug_2_tool_arguments_sent_whole_in_one_final_chunk(oa, conv_anthropic):
    stream(oa, [OA_ROLE, oa_tool_start(0, "call_whole", "get_weather"),
                oa_event({"tool_calls": [{"index": 0, "function": {"arguments": WEATHER_ARGS}}]}, "tool_calls"),
                oa_usage_event(50, 20), OA_DONE])

    _, final = run_stream(conv_anthropic, model="gpt-4o", max_tokens=300, messages=USER, tools=[WEATHER])

    assert [(b.type, b.id, b.input) for b in final.content] == [("tool_use", "toolu_call_whole",
                                                                 {"city": "Paris", "unit": "c"})]


def test_peer_bug_3_and_19_sdk_accepts_every_event_of_a_thinking_text_tools_stream(oa, conv_anthropic):
    events = [OA_ROLE, oa_event({"content": None, "reasoning_content": "Two tools "}),
              oa_event({"content": None, "reasoning_content": "are needed."})] + interleaved_parallel_calls()[1:]
    stream(oa, events)

    with conv_anthropic.messages.stream(model="deepseek-chat", max_tokens=300, messages=USER,
                                        tools=[WEATHER, CLOCK]) as live:
        seen = []
        for event in live:  # any malformed or out-of-order event raises here
            seen.append(event.type)
            if event.type == "content_block_stop":
                assert live.current_message_snapshot.content[event.index] is not None
        final = live.get_final_message()

    assert [b.type for b in final.content] == ["thinking", "text", "tool_use", "tool_use"]
    assert final.content[0].thinking == "Two tools are needed."
    assert final.content[1].text == "Checking both."
    assert [b.input for b in final.content[2:]] == [json.loads(WEATHER_ARGS), json.loads(CLOCK_ARGS)]
    assert seen.count("content_block_start") == seen.count("content_block_stop") == 4


def test_full_parallel_tool_round_trip_with_an_error_result(oa, conv_anthropic):
    """Turn 1 streams two interleaved calls; turn 2 sends both results (one failed) back through the converter."""
    stream(oa, interleaved_parallel_calls())
    tools = [WEATHER, CLOCK]
    _, first = run_stream(conv_anthropic, model="gpt-4o", max_tokens=300, messages=USER, tools=tools,
                          tool_choice={"type": "auto"})
    assert first.stop_reason == "tool_use"
    weather, clock = first.content[1], first.content[2]
    assert (weather.id, weather.input) == ("toolu_call_W1x", {"city": "Paris", "unit": "c"})
    assert (clock.id, clock.input) == ("toolu_call_T2y", {"tz": "Europe/Paris"})

    reply(oa, {"content": "18°C and sunny; I could not get the time."}, usage=oa_usage(200, 15))
    history = USER + [
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": weather.id, "content": "18°C, sunny"},
            {"type": "tool_result", "tool_use_id": clock.id, "is_error": True,
             "content": [{"type": "text", "text": "tz database unavailable"}]}]}]
    second = conv_anthropic.messages.create(model="gpt-4o", max_tokens=300, messages=history, tools=tools,
                                            tool_choice={"type": "auto"})

    sent = oa.last.json()
    assert sent["tools"] == [openai_tool(WEATHER), openai_tool(CLOCK)] and sent["tool_choice"] == "auto"
    assert sent["messages"] == USER + [
        {"role": "assistant", "content": "Checking both.", "tool_calls": [
            {"id": "call_W1x", "type": "function",
             "function": {"name": "get_weather", "arguments": '{"city":"Paris","unit":"c"}'}},
            {"id": "call_T2y", "type": "function",
             "function": {"name": "get_time", "arguments": '{"tz":"Europe/Paris"}'}}]},
        {"role": "tool", "tool_call_id": "call_W1x", "content": "18°C, sunny"},
        {"role": "tool", "tool_call_id": "call_T2y", "content": "Error: tz database unavailable"}]
    raw = oa.last.body
    assert raw.index(b'"tool_call_id":"call_W1x"') < raw.index(b'"tool_call_id":"call_T2y"')
    assert second.content[0].text.startswith("18°C") and second.stop_reason == "end_turn"


def test_non_stream_tool_calls_become_tool_use_blocks(oa, conv_anthropic):
    reply(oa, {"content": None, "tool_calls": [
        {"id": "call_a1", "type": "function", "function": {"name": "get_weather", "arguments": WEATHER_ARGS}},
        {"id": "call_b2", "type": "function", "function": {"name": "get_time", "arguments": CLOCK_ARGS}}]},
          finish="tool_calls")

    message = conv_anthropic.messages.create(model="gpt-4o", max_tokens=300, messages=USER, tools=[WEATHER, CLOCK])

    assert [(b.type, b.id, b.name, b.input) for b in message.content] == [
        ("tool_use", "toolu_call_a1", "get_weather", {"city": "Paris", "unit": "c"}),
        ("tool_use", "toolu_call_b2", "get_time", {"tz": "Europe/Paris"})]
    assert message.stop_reason == "tool_use"


def test_a_tool_name_longer_than_openai_takes_round_trips_to_the_sdk(oa, conv_anthropic):
    """Claude Code's MCP tool names can exceed OpenAI's 64 characters: shortened upstream, the client's name back."""
    long_name = "mcp__plugin_chrome-devtools-mcp_chrome-devtools__performance_analyze_insight"
    tool = {"name": long_name, "description": "Analyse", "input_schema": {"type": "object"}}

    def answer_with_the_upstream_name(request):
        sent = request.json()["tools"][0]["function"]
        assert len(sent["name"]) <= 64 and sent["parameters"] == {"type": "object", "properties": {}}
        return Reply(200, OPENAI_JSON_HEADERS, oa_completion({"content": None, "tool_calls": [
            {"id": "call_m1", "type": "function", "function": {"name": sent["name"], "arguments": "{}"}}]},
            "tool_calls"))
    oa.responder = answer_with_the_upstream_name

    message = conv_anthropic.messages.create(model="gpt-4o", max_tokens=300, messages=USER, tools=[tool])

    assert [(block.type, block.name) for block in message.content] == [("tool_use", long_name)]
    assert oa.last.json()["tools"][0]["function"]["name"] != long_name


@pytest.mark.parametrize("choice,expected", [
    ({"type": "auto"}, {"tool_choice": "auto"}),
    ({"type": "any"}, {"tool_choice": "required"}),
    ({"type": "none"}, {"tool_choice": "none"}),
    ({"type": "tool", "name": "get_time"}, {"tool_choice": {"type": "function", "function": {"name": "get_time"}}}),
    ({"type": "auto", "disable_parallel_tool_use": True}, {"tool_choice": "auto", "parallel_tool_calls": False}),
])
def test_tool_choice_maps_to_openai(oa, conv_anthropic, choice, expected):
    reply(oa, {"content": "ok"})

    conv_anthropic.messages.create(model="gpt-4o", max_tokens=20, messages=USER, tools=[WEATHER, CLOCK],
                                   tool_choice=choice)

    sent = oa.last.json()
    assert sent["tools"] == [openai_tool(WEATHER), openai_tool(CLOCK)]
    assert {k: sent[k] for k in ("tool_choice", "parallel_tool_calls") if k in sent} == expected


def test_peer_bug_21_server_tools_and_a_choice_naming_one_are_stripped_together(oa, conv_anthropic):
    reply(oa, {"content": "ok"})

    conv_anthropic.messages.create(
        model="gpt-4o", max_tokens=20, messages=USER,
        tools=[WEATHER, {"type": "web_search_20250305", "name": "web_search", "max_uses": 2}],
        tool_choice={"type": "tool", "name": "web_search"})

    sent = oa.last.json()
    assert sent["tools"] == [openai_tool(WEATHER)]
    assert "tool_choice" not in sent  # a choice naming the stripped tool would be refused upstream


def test_peer_bug_14_empty_content_never_goes_upstream(oa, conv_anthropic):
    reply(oa, {"content": "ok"})
    history = [{"role": "user", "content": [{"type": "text", "text": ""}, {"type": "text", "text": "Hello"}]},
               {"role": "assistant", "content": [{"type": "text", "text": ""}]},
               {"role": "user", "content": "Again"}]

    conv_anthropic.messages.create(model="gpt-4o", max_tokens=20, messages=history, system="")

    sent = oa.last.json()["messages"]
    assert sent == [{"role": "user", "content": "Hello"}, {"role": "user", "content": "Again"}]


# ---- thinking ----------------------------------------------------------------------------------------------------


def test_deepseek_reasoning_content_stream_becomes_a_thinking_block(oa, conv_http, conv_anthropic):
    events = [OA_ROLE, oa_event({"content": None, "reasoning_content": "Paris is "}),
              oa_event({"content": None, "reasoning_content": "in CET."}),
              oa_event({"content": "It is ", "reasoning_content": None}), oa_event({"content": "14:05."}),
              oa_event({}, "stop"), oa_usage_event(30, 12), OA_DONE]
    stream(oa, events)
    stream(oa, events)

    _, _, raw = post_stream(conv_http, AN_PATH, {"model": "deepseek-reasoner", "max_tokens": 100, "stream": True,
                                                 "messages": USER, "thinking": {"type": "enabled",
                                                                                "budget_tokens": 1024}})
    seen, final = run_stream(conv_anthropic, model="deepseek-reasoner", max_tokens=100, messages=USER)

    assert "thinking" not in oa.requests[0].json()  # the upstream model decides its own reasoning
    parsed = anthropic_events(raw)
    check_anthropic_event_order(parsed)
    assert [e["content_block"]["type"] for e in parsed if e["type"] == "content_block_start"] == ["thinking", "text"]
    assert [e["delta"] for e in parsed if e["type"] == "content_block_delta" and e["index"] == 0] == [
        {"type": "thinking_delta", "thinking": "Paris is "}, {"type": "thinking_delta", "thinking": "in CET."}]
    assert "thinking" in seen
    assert [b.type for b in final.content] == ["thinking", "text"]
    assert final.content[0].thinking == "Paris is in CET." and final.content[1].text == "It is 14:05."


def test_non_stream_reasoning_content_becomes_a_thinking_block(oa, conv_anthropic):
    reply(oa, {"content": "Answer.", "reasoning_content": "Deliberation."})

    message = conv_anthropic.messages.create(model="deepseek-reasoner", max_tokens=100, messages=USER)

    assert [(b.type, getattr(b, "thinking", None) or getattr(b, "text", None)) for b in message.content] == [
        ("thinking", "Deliberation."), ("text", "Answer.")]


def test_peer_bug_12_thinking_in_history_is_replayed_as_reasoning_content(oa, conv_anthropic):
    reply(oa, {"content": "Plan.", "reasoning_content": "Think first."})
    first = conv_anthropic.messages.create(model="deepseek-reasoner", max_tokens=100, messages=USER)
    assert first.content[0].type == "thinking" and first.content[0].signature == ""

    reply(oa, {"content": "Done."})
    history = USER + [{"role": "assistant", "content": first.content}, {"role": "user", "content": "Go on."}]
    conv_anthropic.messages.create(model="deepseek-reasoner", max_tokens=100, messages=history)

    assert oa.last.json()["messages"] == USER + [
        {"role": "assistant", "content": "Plan.", "reasoning_content": "Think first."},
        {"role": "user", "content": "Go on."}]


# ---- stop reasons ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("streamed", [False, True])
def test_stop_sequences_become_stop_and_a_plain_stop_is_end_turn(oa, conv_anthropic, streamed):
    kwargs = dict(model="gpt-4o", max_tokens=50, messages=USER, stop_sequences=["###", "END"])
    if streamed:
        stream(oa, oa_text_stream(["one", " two"], usage=oa_usage(5, 2)))
        _, message = run_stream(conv_anthropic, **kwargs)
    else:
        reply(oa, {"content": "one two"})
        message = conv_anthropic.messages.create(**kwargs)

    assert oa.last.json()["stop"] == ["###", "END"] and "stop_sequences" not in oa.last.json()
    assert (message.stop_reason, message.stop_sequence) == ("end_turn", None)


@pytest.mark.parametrize("streamed", [False, True])
def test_a_stop_sequence_the_upstream_names_becomes_stop_sequence(oa, conv_anthropic, streamed):
    """vLLM reports which stop string matched in the choice's `stop_reason`."""
    kwargs = dict(model="gpt-4o", max_tokens=50, messages=USER, stop_sequences=["###", "END"])
    if streamed:
        stream(oa, [OA_ROLE, oa_event({"content": "one"}),
                    oa_event(choices=[{**oa_choice({}, "stop"), "stop_reason": "END"}]), oa_usage_event(5, 1),
                    OA_DONE])
        _, message = run_stream(conv_anthropic, **kwargs)
    else:
        reply(oa, {"content": "one"}, stop_reason="END")
        message = conv_anthropic.messages.create(**kwargs)

    assert (message.stop_reason, message.stop_sequence) == ("stop_sequence", "END")


@pytest.mark.parametrize("streamed", [False, True])
def test_length_finish_becomes_max_tokens(oa, conv_anthropic, streamed):
    kwargs = dict(model="gpt-4o", max_tokens=3, messages=USER)
    if streamed:
        stream(oa, oa_text_stream(["The", " weather", " in"], finish="length", usage=oa_usage(20, 3)))
        _, message = run_stream(conv_anthropic, **kwargs)
    else:
        reply(oa, {"content": "The weather in"}, finish="length", usage=oa_usage(20, 3))
        message = conv_anthropic.messages.create(**kwargs)

    assert message.stop_reason == "max_tokens"
    assert message.content[0].text == "The weather in" and message.usage.output_tokens == 3


# ---- usage -------------------------------------------------------------------------------------------------------


def test_peer_bug_16_cached_tokens_become_cache_reads(oa, conv_anthropic):
    reply(oa, {"content": "cached"}, usage=oa_usage(1200, 30, cached=1000))

    message = conv_anthropic.messages.create(model="gpt-4o", max_tokens=50, messages=USER)

    usage = message.usage
    assert (usage.input_tokens, usage.cache_read_input_tokens, usage.cache_creation_input_tokens,
            usage.output_tokens) == (200, 1000, 0, 30)


def test_peer_bug_10_usage_in_a_trailing_empty_choices_chunk_reaches_the_final_event(oa, conv_http, conv_anthropic):
    """Every chunk has `"usage":null`; the counts arrive after the finish reason, in a chunk with no choices."""
    events = [oa_event({"role": "assistant", "content": ""}, usage=None), oa_event({"content": "Hi"}, usage=None),
              oa_event({}, "stop", usage=None), Pause(0.15), oa_usage_event(2400, 7, cached=2000), OA_DONE]
    stream(oa, events)
    stream(oa, events)

    _, _, raw = post_stream(conv_http, AN_PATH, {"model": "gpt-4o", "max_tokens": 20, "stream": True,
                                                 "messages": USER})
    _, final = run_stream(conv_anthropic, model="gpt-4o", max_tokens=20, messages=USER)

    parsed = anthropic_events(raw)
    start_usage, delta = parsed[0]["message"]["usage"], parsed[-2]
    assert start_usage["input_tokens"] > 0  # an estimate until the real count arrives (never 0 — CLIProxyAPI #1700)
    assert delta["type"] == "message_delta" and delta["usage"] == {
        "input_tokens": 400, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 2000, "output_tokens": 7}
    assert (final.usage.input_tokens, final.usage.cache_read_input_tokens, final.usage.output_tokens) == (400, 2000, 7)


def test_message_start_input_tokens_is_positive_before_any_usage(oa, conv_http):
    stream(oa, oa_text_stream(["x"], usage=oa_usage(99, 1)))

    _, _, raw = post_stream(conv_http, AN_PATH, {"model": "gpt-4o", "max_tokens": 20, "stream": True,
                                                 "system": "A fairly long system prompt " * 20, "messages": USER})

    start = anthropic_events(raw)[0]["message"]
    assert start["usage"]["input_tokens"] > 50 and start["usage"]["output_tokens"] == 0
    assert start["content"] == [] and start["model"] == "gpt-4o" and start["id"].startswith("msg_")



def test_peer_bug_13_input_estimate_counts_thinking_and_tool_blocks(oa, conv_http):
    """Until the upstream reports usage, `message_start` carries an estimate; skipping thinking or tool blocks
    undercounted it by 30-60 % in claude-code-router."""
    def estimate(messages):
        stream(oa, oa_text_stream(["x"], usage=oa_usage(1, 1)))
        _, _, raw = post_stream(conv_http, AN_PATH, {"model": "gpt-4o", "max_tokens": 20, "stream": True,
                                                     "messages": messages})
        return anthropic_events(raw)[0]["message"]["usage"]["input_tokens"]

    padding = "word " * 800  # 4,000 bytes, about 1,000 tokens
    base = estimate(USER + [{"role": "assistant", "content": "ok"}, {"role": "user", "content": "next"}])
    for assistant, result in [
        ([{"type": "thinking", "thinking": padding, "signature": ""}, {"type": "text", "text": "ok"}], "next"),
        ([{"type": "tool_use", "id": "toolu_x", "name": "get_weather", "input": {"city": padding}}],
         [{"type": "tool_result", "tool_use_id": "toolu_x", "content": "18°C"}]),
        ([{"type": "tool_use", "id": "toolu_x", "name": "get_weather", "input": {}}],
         [{"type": "tool_result", "tool_use_id": "toolu_x", "content": padding}]),
    ]:
        grown = estimate(USER + [{"role": "assistant", "content": assistant}, {"role": "user", "content": result}])
        assert grown - base >= 900, (assistant[0]["type"], base, grown)


def test_usage_is_estimated_not_zero_when_the_upstream_reports_none(oa, conv_anthropic):
    stream(oa, oa_text_stream(["A reply of several words without any usage."]))

    _, final = run_stream(conv_anthropic, model="gpt-4o", max_tokens=50, messages=USER)

    assert final.usage.input_tokens > 0 and final.usage.output_tokens > 0


# ---- max_tokens --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("requested,sent", [(32000, CLAMP_OPENAI), (500, 500)])
def test_peer_bug_11_max_tokens_is_clamped_to_the_models_output_limit(oa, conv_anthropic, requested, sent):
    reply(oa, {"content": "ok"})

    conv_anthropic.messages.create(model="gpt-clamp-mini", max_tokens=requested, messages=USER)

    assert oa.last.json()["max_tokens"] == sent


def test_reasoning_models_get_max_completion_tokens(oa, conv_anthropic):
    reply(oa, {"content": "ok"})

    conv_anthropic.messages.create(model="gpt-5-mini", max_tokens=700, messages=USER)

    sent = oa.last.json()
    assert sent["max_completion_tokens"] == 700 and "max_tokens" not in sent


# ---- streaming mechanics -----------------------------------------------------------------------------------------


def test_stream_events_are_converted_the_moment_they_arrive(oa, conv_http):
    gate = threading.Event()
    stream(oa, [OA_ROLE, oa_event({"content": "early"}), WaitFor(gate, timeout=5), oa_event({"content": "late"}),
                oa_event({}, "stop"), oa_usage_event(5, 2), OA_DONE])

    started = time.monotonic()
    received = b""
    with conv_http.stream("POST", AN_PATH, content=json.dumps({"model": "gpt-4o", "max_tokens": 9, "stream": True,
                                                               "messages": USER}).encode(),
                          headers={"content-type": "application/json"}) as response:
        for part in response.iter_raw():
            received += part
            if b'"text":"early"' in received and not gate.is_set():
                early_after = time.monotonic() - started
                gate.set()  # the upstream sends the rest only once the client saw the first text

    assert gate.is_set() and early_after < 2, "the converted text_delta waited for later upstream events"
    assert oa.last.waits_satisfied == [True]
    assert [e["delta"].get("text") for e in anthropic_events(received) if e["type"] == "content_block_delta"] == [
        "early", "late"]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"], ids=["lf", "crlf"])
def test_stream_split_at_arbitrary_byte_boundaries(oa, conv_anthropic, newline):
    pieces = ["Grüße, ", "日本", " ✓ ", '{"json": "in text"}']
    whole = b"".join(e.replace(b"\n", newline) for e in oa_text_stream(pieces, usage=oa_usage(9, 4)))
    cuts = list(range(0, len(whole), 7)) + [len(whole)]
    stream(oa, [whole[a:b] for a, b in zip(cuts, cuts[1:])])  # cuts land inside `data:`, JSON and UTF-8 sequences

    _, final = run_stream(conv_anthropic, model="gpt-4o", max_tokens=50, messages=USER)

    assert final.content[0].text == "".join(pieces)
    assert (final.stop_reason, final.usage.output_tokens) == ("end_turn", 4)


def test_client_leaving_a_converted_stream_closes_the_upstream(oa, conv_http):
    stream_script = Stream(200, OPENAI_SSE_HEADERS, [OA_ROLE, oa_event({"content": "first"})], end="hang")
    oa.script(stream_script)

    with conv_http.stream("POST", AN_PATH, content=json.dumps({"model": "gpt-4o", "max_tokens": 9, "stream": True,
                                                               "messages": USER}).encode(),
                          headers={"content-type": "application/json"}) as response:
        received = b""
        for part in response.iter_raw():
            received += part
            if b"first" in received:
                break

    assert oa.wait_for_requests(1)[0].connection.closed.wait(3), "the upstream connection stayed open"


# ---- ids, documents, stop reasons --------------------------------------------------------------------------------


def test_tool_call_without_an_upstream_id_gets_one_that_round_trips(oa, conv_anthropic):
    stream(oa, [OA_ROLE, oa_event({"tool_calls": [{"index": 0, "type": "function",
                                                   "function": {"name": "get_weather", "arguments": ""}}]}),
                oa_tool_args(0, '{"city": "Paris"}'), oa_event({}, "tool_calls"), oa_usage_event(9, 5), OA_DONE])
    _, first = run_stream(conv_anthropic, model="gpt-4o", max_tokens=50, messages=USER, tools=[WEATHER])
    (call,) = first.content
    assert call.id.startswith("toolu_") and len(call.id) > len("toolu_")

    reply(oa, {"content": "ok"})
    conv_anthropic.messages.create(model="gpt-4o", max_tokens=50, tools=[WEATHER], messages=USER + [
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "18°C"}]}])

    sent = oa.last.json()["messages"]
    assert sent[1]["tool_calls"][0]["id"] == sent[2]["tool_call_id"]


def test_pdf_document_becomes_a_file_part(oa, conv_anthropic):
    reply(oa, {"content": "A report."})
    pdf = "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K"
    conv_anthropic.messages.create(model="gpt-4o", max_tokens=30, messages=[{"role": "user", "content": [
        {"type": "document", "title": "report.pdf", "source": {"type": "base64", "media_type": "application/pdf",
                                                               "data": pdf}},
        {"type": "text", "text": "Summarise."}]}])

    assert oa.last.json()["messages"] == [{"role": "user", "content": [
        {"type": "file", "file": {"filename": "report.pdf", "file_data": "data:application/pdf;base64," + pdf}},
        {"type": "text", "text": "Summarise."}]}]


@pytest.mark.parametrize("finish,stop_reason", [("stop", "end_turn"), ("length", "max_tokens"),
                                                ("tool_calls", "tool_use"), ("function_call", "tool_use"),
                                                ("content_filter", "refusal")])
def test_every_finish_reason_maps_to_its_stop_reason(oa, conv_anthropic, finish, stop_reason):
    message = {"content": "x"}
    if finish in ("tool_calls", "function_call"):
        message["tool_calls"] = [{"id": "call_f", "type": "function",
                                  "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'}}]
    reply(oa, message, finish=finish)

    result = conv_anthropic.messages.create(model="gpt-4o", max_tokens=30, messages=USER, tools=[WEATHER])

    assert result.stop_reason == stop_reason


# ---- known bugs --------------------------------------------------------------------------------------------------


def test_peer_bug_1_tool_arguments_cut_off_before_the_finish_reason_are_an_error(oa, conv_http):
    stream(oa, [OA_ROLE, oa_tool_start(0, "call_cut", "get_weather"), oa_tool_args(0, '{"city": "Par'),
                oa_event({}, "tool_calls"), oa_usage_event(9, 4), OA_DONE])

    _, _, raw = post_stream(conv_http, AN_PATH, {"model": "gpt-4o", "max_tokens": 50, "stream": True,
                                                 "messages": USER, "tools": [WEATHER]})

    names = [name for name, _ in sse_events(raw)]
    assert names[-1] == "error" and "message_stop" not in names, names


def test_peer_bug_18_index_less_parallel_tool_calls_stay_distinct(oa, conv_anthropic):
    def call(ident, name, args):
        return oa_event({"tool_calls": [{"id": ident, "type": "function",
                                         "function": {"name": name, "arguments": args}}]})
    stream(oa, [OA_ROLE, call("function-call-1", "get_weather", '{"city":"Paris"}'),
                call("function-call-2", "get_time", '{"tz":"Europe/Paris"}'), oa_event({}, "tool_calls"),
                oa_usage_event(9, 8), OA_DONE])

    _, final = run_stream(conv_anthropic, model="gpt-4o", max_tokens=50, messages=USER, tools=[WEATHER, CLOCK])

    assert [(b.name, b.input) for b in final.content] == [("get_weather", {"city": "Paris"}),
                                                          ("get_time", {"tz": "Europe/Paris"})]


def test_peer_bug_8_gemini_thought_signature_is_echoed_on_turn_2(oa, conv_anthropic):
    signature = "CiQBcsjafGkzXl4/+Wq1uRJ8Y3c0VmZxA=="
    stream(oa, [OA_ROLE, oa_event({"tool_calls": [{"index": 0, "id": "call_g1", "type": "function",
                                                   "extra_content": {"google": {"thought_signature": signature}},
                                                   "function": {"name": "get_weather",
                                                                "arguments": '{"city":"Paris"}'}}]}),
                oa_event({}, "tool_calls"), oa_usage_event(9, 8), OA_DONE])
    _, first = run_stream(conv_anthropic, model="gpt-4o", max_tokens=50, messages=USER, tools=[WEATHER])

    reply(oa, {"content": "ok"})
    conv_anthropic.messages.create(model="gpt-4o", max_tokens=50, tools=[WEATHER], messages=USER + [
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": first.content[0].id, "content": "18°C"}]}])

    call = oa.last.json()["messages"][1]["tool_calls"][0]
    assert call.get("extra_content", {}).get("google", {}).get("thought_signature") == signature
