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
