/**
 * The JDK HttpClient transport's parts: requests and failures ({@code JdkHttp}, {@code
 * HttpFailure}), inserts ({@code JdkInserts}), attachment uploads ({@code JdkUploads}), TLS. Not an
 * API: it may change in any release.
 */
@NullMarked
package dev.braintrust.reactive.transport.jdk.internal;

import org.jspecify.annotations.NullMarked;
