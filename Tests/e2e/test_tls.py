"""TLS verification is on: an upstream whose certificate does not verify is never talked to."""
from __future__ import annotations

import http.server
import ssl
import subprocess
import threading

import httpx

from harness import Gateway, plugin_dir


def _self_signed(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return key, cert


class _Answer(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        _Answer.seen.append(self.path)
        body = b'{"choices":[{"message":{"content":"should never be read"}}]}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_self_signed_upstream_is_refused_with_a_502_in_the_clients_dialect(tmp_path):
    key, cert = _self_signed(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    config = {
        "listen": {"proxy": "127.0.0.1:0", "admin": "off"},
        "plugins": {"files": [str(plugin_dir() / "libOpenAIProvider.so")], "folder": str(tmp_path / "none")},
        "providers": {"tls": {"plugin": "dev.lessllm.provider.openai", "base_url": f"https://127.0.0.1:{port}/v1",
                              "api_key": "sk-test-tls"}},
        "routes": [{"model": "gpt-4o", "provider": "tls"}],
    }
    gateway = Gateway(config, tmp_path).start()
    try:
        response = httpx.post(f"{gateway.url}/v1/chat/completions",
                              json={"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}, timeout=10)
        assert response.status_code == 502
        error = response.json()["error"]
        assert error["type"] == "server_error"
        assert "certificate" in error["message"].lower()
        assert _Answer.seen == []  # the handshake failed: no request reached the server
    finally:
        gateway.stop()
        server.shutdown()
        server.server_close()
        thread.join()


NGINX_CONF = """
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 64; }}
http {{
    log_format proto '$server_protocol $request_method $request_uri';
    access_log {dir}/access.log proto;
    client_body_temp_path {dir}; proxy_temp_path {dir}; fastcgi_temp_path {dir}; uwsgi_temp_path {dir}; scgi_temp_path {dir};
    server {{
        listen 127.0.0.1:{port} ssl http2;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        location /v1/chat/completions {{
            default_type application/json;
            return 200 '{{"id":"chatcmpl-h2","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{{"index":0,"message":{{"role":"assistant","content":"over h2"}},"finish_reason":"stop"}}],"usage":{{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}}}';
        }}
    }}
}}
"""


def test_a_configured_ca_file_is_trusted_and_http2_is_used_when_the_upstream_offers_it(tmp_path):
    import shutil
    import socket

    import pytest

    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if shutil.os.path.exists("/usr/sbin/nginx") else None)
    if nginx is None:
        pytest.skip("nginx is not installed (scripts/setup --test installs nginx-light)")
    key, cert = _self_signed(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "nginx.conf").write_text(NGINX_CONF.format(dir=tmp_path, port=port, cert=cert, key=key))
    server = subprocess.Popen([nginx, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            server.poll()
            assert server.returncode is None, server.stderr.read().decode()
            threading.Event().wait(0.05)
        config = {
            "listen": {"proxy": "127.0.0.1:0", "admin": "off"},
            "plugins": {"files": [str(plugin_dir() / "libOpenAIProvider.so")], "folder": str(tmp_path / "none")},
            "providers": {"h2": {"plugin": "dev.lessllm.provider.openai", "base_url": f"https://127.0.0.1:{port}/v1",
                                 "api_key": "sk-test-h2", "ca_file": str(cert)}},
            "routes": [{"model": "gpt-4o", "provider": "h2"}],
        }
        gateway = Gateway(config, tmp_path).start()
        try:
            response = httpx.post(f"{gateway.url}/v1/chat/completions",
                                  json={"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}, timeout=10)
            assert response.status_code == 200
            assert response.json()["choices"][0]["message"]["content"] == "over h2"
        finally:
            gateway.stop()
        log = (tmp_path / "access.log").read_text().splitlines()
        assert log == ["HTTP/2.0 POST /v1/chat/completions"]
    finally:
        server.terminate()
        server.wait(timeout=10)
