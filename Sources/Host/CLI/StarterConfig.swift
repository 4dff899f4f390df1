/// The commented configuration `lessllm init` writes.
enum StarterConfig {
    static let yaml = """
    # LessLLM configuration. Check it with `lessllm check --config <this file>`; run with `lessllm server`.
    # Values may use ${VAR} (must be set) and ${VAR:-default} (default when unset or empty).

    listen:
      proxy: 127.0.0.1:8000          # where clients send OpenAI and Anthropic API requests
      admin: 127.0.0.1:8501          # the dashboard; a non-loopback address needs admin_token
      # admin_token: ${LESSLLM_ADMIN_TOKEN}
      max_body_bytes: 32MiB
      # trusted_proxies: [10.0.0.0/8]  # whose X-Forwarded-For is believed

    plugins:
      # Relative file names resolve next to the lessllm binary; every *.so in `folder`
      # (relative to this file) is loaded too, so a new plugin is a file dropped in there.
      files: [libOpenAIProvider.so, libClaudeProvider.so, libDialectConverter.so, libSQLiteSink.so]
      folder: plugins.d

    providers:
      openai:
        plugin: dev.lessllm.provider.openai      # any OpenAI-compatible API: OpenAI, DeepSeek, vLLM, Ollama…
        base_url: https://api.openai.com/v1
        api_key: ${OPENAI_API_KEY:-}
        # proxy: socks5h://127.0.0.1:1080
        # timeouts: { connect: 10s, first_byte: 300s, idle: 300s, total: 1h }
        # headers: { OpenAI-Organization: org-… }
      anthropic:
        plugin: dev.lessllm.provider.anthropic
        base_url: https://api.anthropic.com
        api_key: ${ANTHROPIC_API_KEY:-}

    converters:                      # used when a client's dialect differs from its provider's
      dialects:
        plugin: dev.lessllm.converter.dialects
        # options: { default_max_tokens: 4096, max_output_tokens: { "deepseek-*": 8192 } }

    routes:                          # first match wins; globs use * and ?
      - { model: "gpt-*", provider: openai }
      - { model: "o*", provider: openai }
      - { model: "claude-*", provider: anthropic }
      # - { model: fast, provider: openai, upstream_model: gpt-4o-mini }   # an alias
      # - { default: true, provider: openai }                              # everything else

    sinks:
      sqlite:
        plugin: dev.lessllm.sink.sqlite
        options: { path: lessllm.db }

    # recording:
    #   raw_events: false            # also keep the raw upstream events
    #   redact_headers: [x-my-secret]

    # prices:                        # USD per million tokens; overrides the built-in table
    #   my-model: { input: 1.0, output: 2.0, cache_read: 0.1, cache_write: 1.25, cache_write_1h: 2.0 }

    """
}
