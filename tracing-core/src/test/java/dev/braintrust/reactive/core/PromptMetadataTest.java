package dev.braintrust.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The prompt provenance value: its map form, bad input, and attaching on a thread. */
class PromptMetadataTest {

  @Test
  void itsMapIsTheGuidesShapeAndARenderedPromptsMapGivesItBack() {
    PromptMetadata p = PromptMetadata.of("p1", "proj", "v9", Map.of("q", "when?"));
    assertThat(p.toMap())
        .containsExactly(
            Map.entry("id", "p1"),
            Map.entry("project_id", "proj"),
            Map.entry("version", "v9"),
            Map.entry("variables", Map.of("q", "when?")));
    assertThat(PromptMetadata.fromMap(p.toMap())).isEqualTo(p);
    assertThat(p.withPromptSessionId("s").toMap()).containsEntry("prompt_session_id", "s");
  }

  @Test
  void missingOrBlankFieldsAreClearErrorsNamingTheField() {
    assertThatThrownBy(() -> PromptMetadata.of(" ", "proj", "v", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prompt id must not be blank");
    Map<String, Object> noVersion = new HashMap<>(Map.of("id", "p", "project_id", "x"));
    assertThatThrownBy(() -> PromptMetadata.fromMap(noVersion))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prompt 'version' is missing");
    noVersion.put("version", "v");
    noVersion.put("variables", "not a map");
    assertThatThrownBy(() -> PromptMetadata.fromMap(noVersion))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'variables' must be a map");
  }

  @Test
  void attachingIsPerThreadAndClosingRestoresTheOuterPrompt() throws Exception {
    PromptMetadata outer = PromptMetadata.of("a", "p", "1", Map.of());
    PromptMetadata inner = PromptMetadata.of("b", "p", "1", Map.of());
    assertThat(PromptMetadata.current()).isNull();
    try (Scope o = outer.attach()) {
      try (Scope i = inner.attach()) {
        assertThat(PromptMetadata.current()).isSameAs(inner);
        PromptMetadata[] seen = {inner};
        Thread t = new Thread(() -> seen[0] = PromptMetadata.current());
        t.start();
        t.join();
        assertThat(seen[0]).isNull();
      }
      assertThat(PromptMetadata.current()).isSameAs(outer);
    }
    assertThat(PromptMetadata.current()).isNull();
  }
}
