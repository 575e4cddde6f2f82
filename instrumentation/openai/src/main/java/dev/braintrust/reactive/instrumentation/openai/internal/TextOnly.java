package dev.braintrust.reactive.instrumentation.openai.internal;

import com.openai.core.JsonField;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionUserMessageParam;
import java.util.List;
import java.util.Optional;

/**
 * Whether chat messages certainly hold no inline media, read from the client's typed messages
 * without writing them: then they need no attachment conversion, and their JSON is left for the
 * exporter to write. Only a user message's non-text content parts (images, audio, files) carry
 * media; anything this can't read for sure (raw JSON, extra properties, an unknown message or part)
 * answers no, and the messages are converted as before.
 */
final class TextOnly {
  private TextOnly() {}

  /**
   * Whether {@code value} (a request's {@code messages} field) is a list of typed chat messages
   * none of which can hold inline media.
   */
  static boolean chatMessages(Object value) {
    Object known = value instanceof JsonField<?> f ? f.asKnown().orElse(null) : value;
    if (!(known instanceof List<?> list)) {
      return false;
    }
    for (Object m : list) {
      if (!(m instanceof ChatCompletionMessageParam message) || !textOnly(message)) {
        return false;
      }
    }
    return true;
  }

  private static boolean textOnly(ChatCompletionMessageParam message) {
    if (message.isSystem() || message.isDeveloper() || message.isAssistant() || message.isTool()) {
      // Text, or text and refusal parts; an assistant's audio is a reference by id.
      return true;
    }
    if (!message.isUser()) {
      return false;
    }
    ChatCompletionUserMessageParam user = message.asUser();
    if (!user._additionalProperties().isEmpty()) {
      return false;
    }
    Optional<ChatCompletionUserMessageParam.Content> content = user._content().asKnown();
    if (content.isEmpty()) {
      return false;
    }
    if (content.get().isText()) {
      return true;
    }
    if (!content.get().isArrayOfContentParts()) {
      return false;
    }
    for (ChatCompletionContentPart part : content.get().asArrayOfContentParts()) {
      if (!part.isText()) {
        return false;
      }
    }
    return true;
  }
}
