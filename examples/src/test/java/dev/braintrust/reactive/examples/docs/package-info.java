/**
 * The build test of the documentation: every {@code ```java} block of README.md and docs/*.md is
 * extracted and compiled against the modules, so a snippet that stops compiling fails the build.
 */
package dev.braintrust.reactive.examples.docs;
