package dev.anneal.data;

import dev.anneal.data.sample.SampleKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A small repository with known items in every language, for exact counts by kind. Each file's
 * comment says what it holds; the totals are in {@link #EXPECTED_GRANULAR}.
 */
public final class TestRepo {
  private TestRepo() {}

  public static final String RUST =
      """
      //! Crate docs.
      use std::fmt;

      /// A point.
      #[derive(Debug, Clone)]
      pub struct Point { x: i32, y: i32 }

      pub struct Unit;
      struct Tuple(u8, u16);

      /// Colours, with a brace in a doc comment: {
      pub enum Colour { Red, Green = 2 }

      pub trait Shape {
          fn area(&self) -> f64;
          /// Default method.
          fn name(&self) -> &'static str { "shape }" }
      }

      impl Shape for Point {
          fn area(&self) -> f64 { 0.0 }
      }

      impl<'a> Point {
          pub const ORIGIN: Point = Point { x: 0, y: 0 };
          pub fn raw(&self) -> &'a str { r#"raw "} string"# }
          pub(crate) fn ch(&self) -> char { '{' }
          fn lifetime<'b>(&'b self) -> &'b str { let _c = '}'; "x" }
      }

      /* outer /* nested { */ still a comment } */
      mod inner {
          pub fn helper() -> u8 { b'}' }
          macro_rules! m { ($x:expr) => { { $x } }; }
      }

      mod declared;

      lazy_static! { static ref X: u8 = 1; }
      const C: [u8; 2] = [1, 2];

      pub async unsafe fn tricky(s: &str) -> Result<(), String> where String: From<&'static str> {
          let _ = "fn fake() {";
          let _ = br##"also "# raw"##;
          'outer: loop { break 'outer; }
          Ok(())
      }

      extern "C" { fn c_fn(); }
      """;

  /**
   * struct 3, enum 1, trait 1, impl 2, module 1, function 7 (name, area, raw, ch, lifetime, helper,
   * tricky).
   */
  public static final Map<SampleKind, Integer> RUST_COUNTS =
      Map.of(
          SampleKind.STRUCT,
          3,
          SampleKind.ENUM,
          1,
          SampleKind.TRAIT,
          1,
          SampleKind.IMPL,
          2,
          SampleKind.MODULE,
          1,
          SampleKind.FUNCTION,
          7);

  public static final String PYTHON =
      """
      \"\"\"Module docs.\"\"\"
      import os

      # A helper.
      def helper(x):
          s = \"\"\"
      def not_a_function():
          pass
      \"\"\"
          return (x +
      1)

      @dataclass
      class Thing:
          name: str

          def method(self):
              return self.name

          async def later(self):
              pass

      if __name__ == "__main__":
          helper(1)
      """;

  /** function 3 (helper, method, later), struct 1 (Thing). */
  public static final Map<SampleKind, Integer> PYTHON_COUNTS =
      Map.of(SampleKind.FUNCTION, 3, SampleKind.STRUCT, 1);

  public static final String JAVA =
      """
      package demo;

      import java.util.List;

      /** A shape. */
      public interface Shape { double area(); }

      public class Circle implements Shape {
        private final double r = Math.max(1, 2);
        private static final String S = "}";
        private Runnable run = () -> { };

        /** Makes one. */
        @Deprecated
        public Circle(double r) { this.r = r; }

        @Override
        public double area() {
          if (r > 0) { return Math.PI * r * r; }
          return 0;
        }

        enum Kind { SMALL, LARGE }

        record Pair(int a, int b) { }
      }
      """;

  /** trait 1, struct 2 (Circle, Pair), function 2 (Circle(), area), enum 1. */
  public static final Map<SampleKind, Integer> JAVA_COUNTS =
      Map.of(SampleKind.TRAIT, 1, SampleKind.STRUCT, 2, SampleKind.FUNCTION, 2, SampleKind.ENUM, 1);

  public static final String GO =
      """
      package main

      import (
      \t"fmt"
      )

      // Point is a point.
      type Point struct {
      \tX, Y int
      }

      type Shape interface {
      \tArea() float64
      }

      type ID int

      func (p *Point) Area() float64 {
      \ts := `raw { string`
      \t_ = s
      \treturn 0
      }

      func main() {
      \tfmt.Println("}")
      }
      """;

  /** struct 1, trait 1, function 2. */
  public static final Map<SampleKind, Integer> GO_COUNTS =
      Map.of(SampleKind.STRUCT, 1, SampleKind.TRAIT, 1, SampleKind.FUNCTION, 2);

  public static final String TYPESCRIPT =
      """
      import { x } from "./x";

      export interface Options { depth: number }

      export enum Mode { Fast, Slow }

      const re = /[{]/g
      export function run(opts: Options): string {
        return `value ${ { a: 1 }.a } }`;
      }

      export class Runner {
        private n = 0;
        constructor(private readonly opts: Options) {}
        async go<T>(x: T): Promise<T> {
          return x;
        }
      }

      export const arrow = (a: number) => {
        return a + 1;
      };

      namespace Util {
        export function id(x: number) { return x; }
      }
      """;

  /** trait 1, enum 1, struct 1, module 1, function 5 (run, constructor, go, arrow, id). */
  public static final Map<SampleKind, Integer> TYPESCRIPT_COUNTS =
      Map.of(
          SampleKind.TRAIT,
          1,
          SampleKind.ENUM,
          1,
          SampleKind.STRUCT,
          1,
          SampleKind.MODULE,
          1,
          SampleKind.FUNCTION,
          5);

  public static final String JAVASCRIPT =
      """
      'use strict'
      const a = 1
      function add(x, y) {
        return x + y
      }
      class Counter {
        inc() { this.n++ }
      }
      """;

  /** function 2 (add, inc), struct 1. */
  public static final Map<SampleKind, Integer> JAVASCRIPT_COUNTS =
      Map.of(SampleKind.FUNCTION, 2, SampleKind.STRUCT, 1);

  public static final String C =
      """
      #include <stdio.h>
      #define BRACE {

      /* A pair. */
      typedef struct {
        int a;
      } pair_t;

      enum colour { RED, GREEN };

      static int add(int a, int b) {
        const char *s = "}";
        return a + b;
      }

      int main(void) {
        printf("%d\\n", add(1, 2));
        return 0;
      }
      """;

  /** struct 1, enum 1, function 2. */
  public static final Map<SampleKind, Integer> C_COUNTS =
      Map.of(SampleKind.STRUCT, 1, SampleKind.ENUM, 1, SampleKind.FUNCTION, 2);

  public static final String CPP =
      """
      #include <string>
      namespace geo {
      class Box {
       public:
        Box(int w) : w_(w) {}
        int area() const { return w_ * w_; }
       private:
        int w_;
      };
      const char* raw = R"x(a } b)x";
      }
      extern "C" {
      int c_api(int x) { return x; }
      }
      """;

  /** module 1, struct 1, function 3 (Box, area, c_api). */
  public static final Map<SampleKind, Integer> CPP_COUNTS =
      Map.of(SampleKind.MODULE, 1, SampleKind.STRUCT, 1, SampleKind.FUNCTION, 3);

  public static final String SHELL =
      """
      #!/usr/bin/env bash
      set -e

      # Greets.
      greet() {
        echo "hello }"
        cat <<EOF
      a } in a here-doc
      EOF
      }

      function cleanup {
        rm -rf "${TMP:-/tmp/x}"   # a comment with }
      }

      greet
      """;

  /** function 2. */
  public static final Map<SampleKind, Integer> SHELL_COUNTS = Map.of(SampleKind.FUNCTION, 2);

  public static final String MARKDOWN =
      """
      # Title

      Some prose about the project.

      ## Usage

      Run it.
      """;

  public static final String JSONL =
      """
      {"text": "first line of language data"}
      {"text": "second line"}
      {"other": 1}
      """;

  /** Writes the repository (plus files the scanner must skip) under {@code root}. */
  public static void write(Path root) throws IOException {
    put(root, "src/lib.rs", RUST);
    put(root, "py/tool.py", PYTHON);
    put(root, "java/Circle.java", JAVA);
    put(root, "go/main.go", GO);
    put(root, "web/run.ts", TYPESCRIPT);
    put(root, "web/add.js", JAVASCRIPT);
    put(root, "c/main.c", C);
    put(root, "cpp/box.cpp", CPP);
    put(root, "scripts/setup.sh", SHELL);
    put(root, "docs/guide.md", MARKDOWN);
    put(root, "data/lang.jsonl", JSONL);
    // Files that must be skipped, one per reason.
    put(root, ".gitignore", "ignored/\n*.log\n");
    put(root, "ignored/skip.rs", "fn ignored() {}\n");
    put(root, "debug.log", "log\n");
    put(root, "Cargo.lock", "# lock\n");
    put(root, "vendor/dep.rs", "fn vendored() {}\n");
    put(root, "web/app.min.js", "function a(){return 1}\n");
    put(root, "gen/api.rs", "// @generated by a tool. DO NOT EDIT.\nfn gen() {}\n");
    Files.write(root.resolve("src/blob.rs"), new byte[] {'f', 'n', 0, 1, 2});
    Files.write(root.resolve("src/latin1.rs"), new byte[] {'f', 'n', ' ', (byte) 0xE9, '\n'});
    put(root, "image.png", "not really");
  }

  static void put(Path root, String rel, String text) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }
}
