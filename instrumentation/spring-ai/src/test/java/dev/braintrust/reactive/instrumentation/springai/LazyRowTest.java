package dev.braintrust.reactive.instrumentation.springai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * The caller's thread keeps references to the prompt's messages and the response, and their JSON is
 * built when the row is written: what is written must still be what was sent and received.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class LazyRowTest {

  @Test
  void aMessageListTheCallerGrowsAfterTheCallIsRecordedAsItWasSent(BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("Paris.");
      // A conversation as chat memory keeps it: one mutable list, grown turn after turn.
      List<Message> conversation = new ArrayList<>();
      conversation.add(new SystemMessage("you are a helpful assistant"));
      conversation.add(new UserMessage("What is the capital of France?"));
      ChatResponse response = f.model().call(new Prompt(conversation));
      conversation.add(response.getResult().getOutput());
      conversation.add(new UserMessage("And of Italy?"));
      conversation.set(0, new SystemMessage("changed after the call"));

      JsonNode input = f.row("Chat Completion").get("input");
      assertThat(input).hasSize(2);
      assertThat(input.get(0).path("content").asText()).isEqualTo("you are a helpful assistant");
      assertThat(input.get(1).path("content").asText()).isEqualTo("What is the capital of France?");
    }
  }

  @Test
  void anAssistantTurnAndItsReplyAreWrittenAsTheOpenAiShapedMessagesAndChoice(
      BraintrustTestServer server) {
    try (Fixture f = new Fixture(server)) {
      server.scriptModelReply("Rome.");
      List<Message> conversation =
          List.of(
              new UserMessage("What is the capital of France?"),
              new AssistantMessage("Paris."),
              new UserMessage("And of Italy?"));
      f.model().call(new Prompt(conversation));

      JsonNode row = f.row("Chat Completion");
      JsonNode input = row.get("input");
      assertThat(input).hasSize(3);
      assertThat(input.get(1).path("role").asText()).isEqualTo("assistant");
      assertThat(input.get(1).path("content").asText()).isEqualTo("Paris.");
      JsonNode choice = row.get("output").get(0);
      assertThat(choice.path("index").asInt()).isZero();
      assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
      assertThat(choice.path("message").path("content").asText()).isEqualTo("Rome.");
    }
  }
}
