/// The API dialect a client or a provider speaks.
public enum Dialect: String, Sendable, CaseIterable {
    /// OpenAI Chat Completions: `POST /v1/chat/completions`.
    case openAIChat = "openai.chat"
    /// Anthropic Messages: `POST /v1/messages`.
    case anthropicMessages = "anthropic.messages"
}
