"""Upstream requests through a per-provider SOCKS5 or HTTP proxy; proxy credentials go only to the proxy."""
from __future__ import annotations

import base64

import anthropic
import openai
import pytest

import harness
from harness import NORMAL, run_gateway
from mocks.proxies import HTTPProxy, Socks5Proxy
from mocks.upstream import Reply, Stream
from mocks.wire import (ANTHROPIC_JSON_HEADERS, ANTHROPIC_SSE_HEADERS, OPENAI_JSON_HEADERS, OPENAI_SSE_HEADERS,
                        anthropic_message, anthropic_stream_events, openai_completion, openai_stream_events)

USER = [{"role": "user", "content": "through the proxy"}]


@pytest.fixture(scope="module")
def socks():
    proxy = Socks5Proxy().start()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="module")
def web_proxy():
    proxy = HTTPProxy().start()
    yield proxy
    proxy.stop()


@pytest.fixture(autouse=True)
def clean_proxies(socks, web_proxy):
    socks.reset()
    web_proxy.reset()


@pytest.fixture(scope="module")
def gateway(lessllm_bin, oa_server, an_server, socks, web_proxy, echo_plugins, tmp_path_factory):
    oa_local, an_local = f"http://127.0.0.1:{oa_server.port}", f"http://127.0.0.1:{an_server.port}"
    oa_named, an_named = f"http://localhost:{oa_server.port}", f"http://localhost:{an_server.port}"
    providers = {
        "oa_socks5h": harness.openai_provider(oa_named + "/v1", proxy=socks.url("socks5h"), timeouts=NORMAL),
        "oa_socks5": harness.openai_provider(oa_local + "/v1", proxy=socks.url("socks5"), timeouts=NORMAL),
        "an_socks5h": harness.anthropic_provider(an_named, proxy=socks.url("socks5h"), timeouts=NORMAL),
        "oa_http": harness.openai_provider(oa_local + "/v1", proxy=web_proxy.url(), timeouts=NORMAL),
        "an_http": harness.anthropic_provider(an_local, proxy=web_proxy.url(), timeouts=NORMAL),
        "oa_socks_bad": harness.openai_provider(oa_local + "/v1", proxy=socks.url("socks5h", password="wrong"),
                                                timeouts=NORMAL),
        "an_http_bad": harness.anthropic_provider(an_local, proxy=web_proxy.url(password="wrong"), timeouts=NORMAL),
    }
    routes = [{"model": f"{name}-*", "provider": name} for name in providers]
    yield from run_gateway(harness.config(providers, routes, echo_plugins), tmp_path_factory, "proxied-gateway")


@pytest.fixture
def openai_client(gateway):
    with openai.OpenAI(base_url=gateway.url + "/v1", api_key=harness.CLIENT_KEY, max_retries=0, timeout=20) as c:
        yield c


@pytest.fixture
def anthropic_client(gateway):
    with anthropic.Anthropic(base_url=gateway.url, api_key=harness.CLIENT_KEY, max_retries=0, timeout=20) as c:
        yield c


def assert_no_secret_reached(mock, *secrets: str):
    for request in mock.requests:
        for name, value in request.headers:
            assert name.lower() not in ("proxy-authorization", "proxy-connection"), f"{name} reached the upstream"
            for secret in secrets:
                assert secret not in value, f"proxy credentials reached the upstream in {name}"
        for secret in secrets:
            assert secret.encode() not in request.body


def test_openai_through_socks5h_resolves_the_name_at_the_proxy(oa, socks, openai_client, gateway):
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("via socks5h")),
              Stream(200, OPENAI_SSE_HEADERS, openai_stream_events(["via ", "socks5h ", "stream"])))

    completion = openai_client.chat.completions.create(model="oa_socks5h-x", messages=USER)
    chunks = list(openai_client.chat.completions.create(model="oa_socks5h-x", messages=USER, stream=True))

    assert completion.choices[0].message.content == "via socks5h"
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "via socks5h stream"
    tunnels = [s for s in socks.sessions if s.get("host")]
    assert tunnels, f"the SOCKS proxy saw no CONNECT: {socks.sessions}"
    for session in tunnels:
        assert (session["username"], session["password"]) == (socks.username, socks.password)
        assert (session["address_type"], session["host"], session["port"]) == ("domain", "localhost", oa.port)
    assert [r.header("authorization") for r in oa.requests] == [f"Bearer {harness.OPENAI_UPSTREAM_KEY}"] * 2
    assert oa.requests[0].header("host") == f"localhost:{oa.port}"
    assert_no_secret_reached(oa, socks.username, socks.password)
    assert socks.password not in gateway.stderr_text()


def test_openai_through_socks5_resolves_the_name_locally(oa, socks, openai_client):
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("via socks5")))

    completion = openai_client.chat.completions.create(model="oa_socks5-x", messages=USER)

    assert completion.choices[0].message.content == "via socks5"
    session = next(s for s in socks.sessions if s.get("host"))
    assert (session["address_type"], session["host"], session["port"]) == ("ipv4", "127.0.0.1", oa.port)
    assert session["username"] == socks.username
    assert_no_secret_reached(oa, socks.username, socks.password)


def test_anthropic_stream_through_socks5h(an, socks, anthropic_client):
    an.script(Stream(200, ANTHROPIC_SSE_HEADERS, anthropic_stream_events(["tunnelled ", "stream"])))

    with anthropic_client.messages.stream(model="an_socks5h-x", max_tokens=9, messages=USER) as stream:
        final = stream.get_final_message()

    assert final.content[0].text == "tunnelled stream"
    assert any(s.get("host") == "localhost" and s.get("port") == an.port for s in socks.sessions)
    assert an.last.header("x-api-key") == harness.ANTHROPIC_UPSTREAM_KEY
    assert_no_secret_reached(an, socks.username, socks.password)


def test_openai_through_the_http_proxy(oa, web_proxy, openai_client, gateway):
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("via http proxy")),
              Stream(200, OPENAI_SSE_HEADERS, openai_stream_events(["proxied ", "stream"])))

    completion = openai_client.chat.completions.create(model="oa_http-x", messages=USER)
    chunks = list(openai_client.chat.completions.create(model="oa_http-x", messages=USER, stream=True))

    assert completion.choices[0].message.content == "via http proxy"
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "proxied stream"
    expected_auth = "Basic " + base64.b64encode(f"{web_proxy.username}:{web_proxy.password}".encode()).decode()
    assert web_proxy.sessions, "the HTTP proxy saw nothing"
    for session in web_proxy.sessions:
        assert session["proxy_authorization"] == expected_auth
        assert session["target"] in (f"http://127.0.0.1:{oa.port}/v1/chat/completions", f"127.0.0.1:{oa.port}")
    assert len(oa.requests) == 2
    assert_no_secret_reached(oa, web_proxy.password, expected_auth.split()[1])
    assert web_proxy.password not in gateway.stderr_text()


def test_anthropic_through_the_http_proxy(an, web_proxy, anthropic_client):
    an.script(Reply(200, ANTHROPIC_JSON_HEADERS, anthropic_message("via http proxy")))

    message = anthropic_client.messages.create(model="an_http-x", max_tokens=9, messages=USER)

    assert message.content[0].text == "via http proxy"
    assert [s["authorized"] for s in web_proxy.sessions] == [True]
    assert_no_secret_reached(an, web_proxy.password)


def test_socks_proxy_refusing_the_credentials_is_a_502(oa, socks, openai_client):
    with pytest.raises(openai.InternalServerError) as raised:
        openai_client.chat.completions.create(model="oa_socks_bad-x", messages=USER)

    assert raised.value.status_code == 502
    assert raised.value.body["type"] == "server_error"
    assert socks.sessions and socks.sessions[0]["password"] == "wrong" and not socks.sessions[0]["authorized"]
    assert oa.requests == []


def test_http_proxy_refusing_the_credentials_is_a_502(an, web_proxy, anthropic_client):
    with pytest.raises(anthropic.APIStatusError) as raised:
        anthropic_client.messages.create(model="an_http_bad-x", max_tokens=9, messages=USER)

    assert raised.value.status_code == 502, "the upstream proxy's 407 must not reach the client as-is"
    assert raised.value.body["type"] == "error"
    assert web_proxy.sessions and not web_proxy.sessions[0]["authorized"]
    assert an.requests == []
