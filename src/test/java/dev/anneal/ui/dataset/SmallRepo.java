package dev.anneal.ui.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A temporary repository of a few Java, Rust and Python files, one file not UTF-8, one binary. */
final class SmallRepo {
  private SmallRepo() {}

  static Path write(Path root) throws IOException {
    put(
        root,
        "src/Main.java",
        """
        package demo;

        /** Entry point. */
        public class Main {
          public static void main(String[] args) {
            System.out.println(new Greeter("world").greet());
          }
        }
        """);
    put(
        root,
        "src/Greeter.java",
        """
        package demo;

        /** Says hello. */
        public record Greeter(String name) {
          public String greet() {
            return "Hello, " + name + "!";
          }

          public String shout() {
            return greet().toUpperCase();
          }
        }
        """);
    put(
        root,
        "lib/src/lib.rs",
        """
        /// A point on a grid.
        pub struct Point { pub x: i64, pub y: i64 }

        impl Point {
            pub fn manhattan(&self, other: &Point) -> i64 {
                (self.x - other.x).abs() + (self.y - other.y).abs()
            }
        }

        pub fn origin() -> Point { Point { x: 0, y: 0 } }
        """);
    put(
        root,
        "tools/stats.py",
        """
        def mean(values):
            return sum(values) / len(values)


        def variance(values):
            m = mean(values)
            return sum((v - m) ** 2 for v in values) / len(values)


        class Summary:
            def __init__(self, values):
                self.mean = mean(values)
                self.variance = variance(values)
        """);
    put(
        root,
        "tools/report.py",
        """
        from stats import Summary


        def report(values):
            s = Summary(values)
            return f"mean {s.mean:.2f} variance {s.variance:.2f}"
        """);
    Files.write(
        root.resolve("lib/src/broken.rs"),
        new byte[] {'f', 'n', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
    Files.write(root.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13});
    return root;
  }

  private static void put(Path root, String rel, String text) throws IOException {
    Path f = root.resolve(rel);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
  }
}
