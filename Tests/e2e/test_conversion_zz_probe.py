import json, threading, time
from conversion_support import *
from conversion_support import conv_gateway, conv_http, conv_openai, conv_anthropic
from mocks.upstream import Reply, Stream, WaitFor
from mocks.wire import *
U=[{"role":"user","content":"x"}]

def test_cut_args(oa, conv_http, conv_anthropic):
    ev=[OA_ROLE, oa_tool_start(0, "call_1", "a"), oa_tool_args(0, '{"city": "Par'), oa_event({}, "tool_calls"), OA_DONE]
    oa.script(Stream(200, OPENAI_SSE_HEADERS, ev), Stream(200, OPENAI_SSE_HEADERS, ev))
    print(post_stream(conv_http, AN_PATH, {"model": "gpt-x", "max_tokens":5, "stream": True, "messages": U})[2].decode()[-700:])
    with conv_anthropic.messages.stream(model="gpt-x", max_tokens=5, messages=U) as s:
        print(s.get_final_message())

def test_noargs_oa(oa, conv_anthropic):
    ev=[OA_ROLE, oa_tool_start(0, "call_1", "now"), oa_event({}, "tool_calls"), OA_DONE]
    oa.script(Stream(200, OPENAI_SSE_HEADERS, ev))
    with conv_anthropic.messages.stream(model="gpt-x", max_tokens=5, messages=U) as s:
        print(s.get_final_message())
