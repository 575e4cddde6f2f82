package dev.braintrust.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPatternParser;

class ExcludedPathPrefixTest {

  @Test
  void prefixStopsAtTheFirstVariableOrWildcardAndDropsTheSlashBeforeIt() {
    assertThat(BraintrustWebFilter.literalPrefix("/actuator/**")).isEqualTo("/actuator");
    assertThat(BraintrustWebFilter.literalPrefix("/static/*.css")).isEqualTo("/static");
    assertThat(BraintrustWebFilter.literalPrefix("/orders/{id}/items")).isEqualTo("/orders");
    assertThat(BraintrustWebFilter.literalPrefix("/health")).isEqualTo("/health");
    assertThat(BraintrustWebFilter.literalPrefix("/**")).isEmpty();
  }

  @Test
  void aPrefixARawPathCouldSpellDifferentlyRulesNothingOut() {
    assertThat(BraintrustWebFilter.literalPrefix("/my docs/**")).isEmpty();
    assertThat(BraintrustWebFilter.literalPrefix("/café/**")).isEmpty();
  }

  @Test
  void everyPathThePatternMatchesStartsWithItsPrefix() {
    for (String pattern : new String[] {"/actuator/**", "/static/*.css", "/health"}) {
      String prefix = BraintrustWebFilter.literalPrefix(pattern);
      for (String path :
          new String[] {
            "/actuator", "/actuator/", "/actuator/health", "/static/a.css", "/health/"
          }) {
        if (PathPatternParser.defaultInstance
            .parse(pattern)
            .matches(PathContainer.parsePath(path))) {
          assertThat(path).as(pattern).startsWith(prefix);
        }
      }
    }
  }
}
