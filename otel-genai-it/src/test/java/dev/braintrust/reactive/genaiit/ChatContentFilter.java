package dev.braintrust.reactive.genaiit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.observation.ChatModelObservationContext;

/**
 * What an application registers (as a bean) to get Spring AI 1.1's prompt and completion onto the
 * chat span: {@code gen_ai.input.messages} and {@code gen_ai.output.messages} high-cardinality key
 * values, in the current OTel GenAI message format, which the bridge maps to input and output.
 */
final class ChatContentFilter implements ObservationFilter {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Off, the filter adds nothing (so a test can see what Spring AI records by itself). */
  volatile boolean enabled;

  @Override
  public Observation.Context map(Observation.Context context) {
    if (!enabled || !(context instanceof ChatModelObservationContext chat)) {
      return context;
    }
    ArrayNode in = JSON.createArrayNode();
    for (Message m : chat.getRequest().getInstructions()) {
      message(in, m.getMessageType().getValue(), m.getText());
    }
    chat.addHighCardinalityKeyValue(KeyValue.of("gen_ai.input.messages", in.toString()));
    ChatResponse response = chat.getResponse();
    if (response != null) {
      ArrayNode out = JSON.createArrayNode();
      for (Generation g : response.getResults()) {
        message(out, "assistant", g.getOutput().getText())
            .put("finish_reason", g.getMetadata().getFinishReason());
      }
      chat.addHighCardinalityKeyValue(KeyValue.of("gen_ai.output.messages", out.toString()));
    }
    return chat;
  }

  private static ObjectNode message(ArrayNode list, String role, String text) {
    ObjectNode m = list.addObject().put("role", role);
    m.putArray("parts").addObject().put("type", "text").put("content", text);
    return m;
  }
}
