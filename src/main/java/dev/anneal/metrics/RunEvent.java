package dev.anneal.metrics;

import dev.anneal.io.JsonObject;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something that happened in a run besides a logged step, as a line of {@code events.jsonl}.
 *
 * <p>{@code kind} is a string, not an enum, so a reader built today still reads a file that a later
 * trainer wrote with a kind it does not know; the kinds in use are the constants below.
 *
 * @param step the optimizer step it happened at
 * @param time when, UTC
 * @param kind what: one of the constants below, or a newer kind
 * @param message one line for people
 * @param details extra values (checkpoint path, skipped loss, the band crossed ...)
 */
public record RunEvent(
    long step, Instant time, String kind, String message, Map<String, Object> details) {

  public static final String NAN_SKIP = "nan_skip";
  public static final String ROLLBACK = "rollback";
  public static final String CHECKPOINT = "checkpoint";
  public static final String RESUME = "resume";
  public static final String BAND_CROSSING = "band_crossing";
  public static final String EVAL = "eval";
  public static final String START = "start";
  public static final String STOP = "stop";

  /** A training phase begins (its name, sequence length, schedule, dataset in the details). */
  public static final String PHASE = "phase";

  public RunEvent {
    if (kind == null || kind.isBlank()) throw new IllegalArgumentException("event kind missing");
    if (message == null) message = "";
    // Not Map.copyOf: a value read from a file may be JSON null.
    details =
        details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public static RunEvent of(long step, String kind, String message) {
    return new RunEvent(step, Instant.now(), kind, message, Map.of());
  }

  /** A step's update dropped because its loss or gradient norm was not finite. */
  public static RunEvent nanSkip(long step, double loss, double gradNorm) {
    return new RunEvent(
        step,
        Instant.now(),
        NAN_SKIP,
        "skipped a non-finite update (loss " + loss + ", grad norm " + gradNorm + ")",
        JsonObject.of("loss", String.valueOf(loss), "grad_norm", String.valueOf(gradNorm)));
  }
}
