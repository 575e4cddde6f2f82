/** The Spring example run on Spring Boot 4 (test only). */
@NullMarked
package dev.braintrust.reactive.springboot4it;

import org.jspecify.annotations.NullMarked;
