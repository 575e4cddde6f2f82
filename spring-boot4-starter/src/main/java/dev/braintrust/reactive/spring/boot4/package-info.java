/**
 * What Spring Boot 4 moved, for the Braintrust starter: the health indicator on {@code
 * spring-boot-health}, {@code WebClient} spans through {@code spring-boot-webclient}, and user
 * values written with the application's Jackson 3 {@code JsonMapper}. Everything else comes from
 * {@code braintrust-spring-boot-starter}, which this artifact depends on.
 */
@NullMarked
package dev.braintrust.reactive.spring.boot4;

import org.jspecify.annotations.NullMarked;
