"""The C echo provider (built with the system C compiler, loaded from the plugins folder) serves real traffic in
both dialects, streamed and not, through the official SDKs."""
from __future__ import annotations

import json

import pytest

from harness import event_data, event_name, post_json, split_events

TEXT = 'héllo wörld ✓ "quoted" 日本語 back\\slash'
WORDS = TEXT.split(" ")
USER = [{"role": "user", "content": TEXT}]


def test_openai_sdk_non_stream(oa, an, openai_client):
    completion = openai_client.chat.completions.create(
        model="echo", messages=[{"role": "system", "content": "ignored"}, *USER])

    assert completion.choices[0].message.content == TEXT
    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.object == "chat.completion" and completion.id.startswith("chatcmpl-")
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (len(WORDS), len(WORDS))
    assert oa.requests == [] and an.requests == []


def test_openai_sdk_stream_word_by_word(openai_client):
    chunks = list(openai_client.chat.completions.create(model="echo", messages=USER, stream=True))

    assert chunks[0].choices[0].delta.role == "assistant"
    contents = [c.choices[0].delta.content for c in chunks[1:-1]]
    assert contents == [WORDS[0]] + [" " + w for w in WORDS[1:]]
    assert "".join(contents) == TEXT
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.usage is None for c in chunks)
    assert len({c.id for c in chunks}) == 1


def test_openai_sdk_stream_with_usage(openai_client):
    chunks = list(openai_client.chat.completions.create(model="echo", messages=USER, stream=True,
                                                        stream_options={"include_usage": True}))

    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == TEXT
    assert chunks[-1].choices == []
    assert chunks[-1].usage.completion_tokens == len(WORDS)


def test_anthropic_sdk_non_stream(oa, an, anthropic_client):
    message = anthropic_client.messages.create(
        model="echo", max_tokens=64,
        messages=[{"role": "user", "content": [{"type": "text", "text": TEXT}]}])

    assert message.content[0].type == "text" and message.content[0].text == TEXT
    assert message.stop_reason == "end_turn" and message.role == "assistant"
    assert message.usage.output_tokens == len(WORDS)
    assert oa.requests == [] and an.requests == []


def test_anthropic_sdk_stream_helper(anthropic_client):
    with anthropic_client.messages.stream(model="echo", max_tokens=64, messages=USER) as stream:
        texts = list(stream.text_stream)
        final = stream.get_final_message()

    assert "".join(texts) == TEXT
    assert len(texts) == len(WORDS)
    assert final.content[0].text == TEXT
    assert final.stop_reason == "end_turn"
    assert (final.usage.input_tokens, final.usage.output_tokens) == (len(WORDS), len(WORDS))


def test_streams_are_framed_as_server_sent_events_in_each_dialect(http):
    openai_reply = post_json(http, "/v1/chat/completions",
                             json.dumps({"model": "echo", "stream": True, "messages": USER}).encode())
    anthropic_reply = post_json(http, "/v1/messages",
                                json.dumps({"model": "echo", "stream": True, "max_tokens": 9,
                                            "messages": USER}).encode())

    assert openai_reply.headers["content-type"].startswith("text/event-stream")
    openai_events = split_events(openai_reply.content)
    assert all(e.startswith(b"data: ") and e.endswith(b"\n\n") for e in openai_events)
    assert openai_events[-1] == b"data: [DONE]\n\n"
    assert anthropic_reply.headers["content-type"].startswith("text/event-stream")
    names = [event_name(e) for e in split_events(anthropic_reply.content)]
    assert names == (["message_start", "content_block_start"] + ["content_block_delta"] * len(WORDS)
                     + ["content_block_stop", "message_delta", "message_stop"])
    for event in split_events(anthropic_reply.content):
        assert json.loads(event_data(event))["type"] == event_name(event)


@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/messages"])
def test_a_request_without_user_text_is_refused_in_dialect(http, path):
    response = post_json(http, path, b'{"model":"echo","max_tokens":5,"messages":[{"role":"assistant","content":"x"}]}')

    assert response.status_code == 400
    body = response.json()
    if path == "/v1/messages":
        assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error"
        assert "user message" in body["error"]["message"]
    else:
        assert body["error"]["type"] == "invalid_request_error" and "user message" in body["error"]["message"]
