package dev.anneal.cli;

import picocli.CommandLine.Command;

/** {@code anneal model ...}: Hugging Face model folders and PEFT adapters. */
@Command(
    name = "model",
    description = "Create (init) and inspect Hugging Face model folders and PEFT adapters.",
    subcommands = {ModelInitCommand.class, ModelInfoCommand.class, ModelBenchIoCommand.class})
final class ModelCommand {}
