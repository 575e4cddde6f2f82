/**
 * Evals: {@link dev.braintrust.reactive.eval.Eval} runs a task over cases, scores each output, and
 * writes every case as a span tree into a new experiment, ending with a summary compared with a
 * base experiment. Reactive throughout: cases run with bounded concurrency and nothing blocks an
 * event loop.
 */
package dev.braintrust.reactive.eval;
