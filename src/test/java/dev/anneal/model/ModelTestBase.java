package dev.anneal.model;

import ai.djl.ndarray.NDManager;
import dev.anneal.AppEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** Starts DJL offline once per class and gives each test a manager closed after it. */
abstract class ModelTestBase {
  static NDManager root;
  NDManager m;

  @BeforeAll
  static void engine() {
    AppEnvironment.configure();
    root = NDManager.newBaseManager();
  }

  @AfterAll
  static void closeRoot() {
    root.close();
  }

  @BeforeEach
  void openManager() {
    m = root.newSubManager();
  }

  @AfterEach
  void closeManager() {
    m.close();
  }
}
