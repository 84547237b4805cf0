package dev.anneal.model.io;

import java.util.Locale;

/**
 * Element types of a safetensors file, under the names the format uses ({@code F32}, {@code BF16}
 * ...). Floating types convert to and from fp32 in Java ({@link HalfFloats}); integer types read as
 * {@code long}.
 */
public enum DType {
  F64(8, true, "float64"),
  F32(4, true, "float32"),
  F16(2, true, "float16"),
  BF16(2, true, "bfloat16"),
  I64(8, false, "int64"),
  I32(4, false, "int32"),
  I16(2, false, "int16"),
  I8(1, false, "int8"),
  U8(1, false, "uint8"),
  BOOL(1, false, "bool");

  private final int bytes;
  private final boolean floating;
  private final String torchName;

  DType(int bytes, boolean floating, String torchName) {
    this.bytes = bytes;
    this.floating = floating;
    this.torchName = torchName;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  public boolean isFloating() {
    return floating;
  }

  /** The PyTorch name ({@code torch_dtype} in config.json): float32, bfloat16 ... */
  public String torchName() {
    return torchName;
  }

  /** The safetensors name, e.g. {@code BF16}; null when the format has no such type. */
  public static DType fromSafetensors(String name) {
    for (DType d : values()) if (d.name().equals(name)) return d;
    return null;
  }

  /** Parses {@code f32}, {@code bf16}, {@code float16}, {@code bfloat16} ... (any case). */
  public static DType parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (DType d : values()) {
      if (d.name().toLowerCase(Locale.ROOT).equals(n) || d.torchName.equals(n)) return d;
    }
    if (n.equals("fp32")) return F32;
    if (n.equals("fp16") || n.equals("half")) return F16;
    throw new IllegalArgumentException("unknown dtype '" + name + "' (use f32, f16 or bf16)");
  }
}
