package dev.braintrust.reactive.spring.internal;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when {@code braintrust.api-key} has text. {@code @ConditionalOnProperty} would match an
 * empty value too, which an unset {@code BRAINTRUST_API_KEY=} in a container often is.
 */
public final class ApiKeyCondition extends SpringBootCondition {
  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    return StringUtils.hasText(context.getEnvironment().getProperty("braintrust.api-key"))
        ? ConditionOutcome.match("braintrust.api-key is set")
        : ConditionOutcome.noMatch("braintrust.api-key is not set");
  }
}
