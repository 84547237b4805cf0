package dev.anneal.infer;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Turns generated token ids into text as they come: each call returns only the new text that is
 * safe to show. It holds back a trailing incomplete character (a byte-level token may end inside a
 * UTF-8 sequence, which decodes as U+FFFD) and any tail that could still become a stop sequence;
 * once a stop sequence appears the text ends just before it.
 */
final class TextStream {
  private final Function<int[], String> decode;
  private final List<String> stops;
  private int[] ids = new int[16];
  private int count;
  private String shown = "";
  private String text = "";
  private boolean stopped;

  TextStream(Function<int[], String> decode, List<String> stops) {
    this.decode = decode;
    this.stops = stops;
  }

  /** Adds a token; returns the text that became visible (maybe empty). */
  String accept(int id) {
    if (stopped) throw new IllegalStateException("the text ended at a stop sequence");
    if (count == ids.length) ids = Arrays.copyOf(ids, count * 2);
    ids[count++] = id;
    String full = decode.apply(Arrays.copyOf(ids, count));
    int stopAt = firstStop(full);
    if (stopAt >= 0) {
      stopped = true;
      text = full.substring(0, stopAt);
      return reveal(text);
    }
    text = full;
    int visible = full.length() - heldBack(full);
    // An unfinished character is at most 3 bytes so far; a lossy decoder may make one U+FFFD of
    // each. Showing any of them would stall the stream: the finished text no longer extends it.
    for (int held = 0; held < 3 && visible > 0 && full.charAt(visible - 1) == '\uFFFD'; held++)
      visible--;
    return reveal(full.substring(0, visible));
  }

  /** Everything held back, once generation has ended without a stop sequence. */
  String flush() {
    return reveal(text);
  }

  /** The output so far (up to, not including, a stop sequence). */
  String text() {
    return text;
  }

  boolean stopped() {
    return stopped;
  }

  private String reveal(String visible) {
    // A decoder whose text for fewer ids is not a prefix of the text for more (rare) would make
    // the shown text wrong: show nothing new then; text() stays exact.
    if (!visible.startsWith(shown)) return "";
    String delta = visible.substring(shown.length());
    shown = visible;
    return delta;
  }

  private int firstStop(String full) {
    int best = -1;
    for (String s : stops) {
      int at = full.indexOf(s);
      if (at >= 0 && (best < 0 || at < best)) best = at;
    }
    return best;
  }

  /** Length of the longest tail of {@code full} that begins some stop sequence. */
  private int heldBack(String full) {
    int hold = 0;
    for (String s : stops) {
      for (int n = Math.min(s.length() - 1, full.length()); n > hold; n--) {
        if (full.endsWith(s.substring(0, n))) {
          hold = n;
          break;
        }
      }
    }
    return hold;
  }
}
