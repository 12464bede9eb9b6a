// hvctl convert FILE... --to FORMAT / hvctl import FILE...: native VM
// configurations (xl.cfg, .vmx, libvirt domain XML) and hvctl/v1 specs into
// one another. Everything is read and converted before anything is written, so
// an error (or --strict and a loss) leaves every output file as it was.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "command_table.hpp"
#include "hvctl/text.hpp"
#include "convert.hpp"
#include "file_write.hpp"
#include "formats_registry.hpp"

namespace hvctl {
namespace {

using formats::NativeFormat;

struct ConvertOptions {
  std::vector<std::string> files;
  std::string to = "yaml";
  std::string from;  // "": detect from the content
  std::string output_file;
  std::string output_dir;
  bool strict = false;
};

struct Converted {
  std::string name;  // the VM's
  std::string text;
};

std::string read_file(const std::string& path) {
  try {
    return read_input_file(path);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", path, e.what()));
  }
}

// Every file converted, the losses reported on stderr; nothing written yet.
std::vector<Converted> convert_all(const ConvertOptions& o, NativeFormat to, Context& ctx, std::size_t& losses) {
  const auto codecs = backend_codecs();
  std::vector<Converted> out;
  for (const auto& file : o.files) {
    const std::string text = read_file(file);
    const NativeFormat from = o.from.empty() ? formats::detect_format(text, file) : *formats::parse_native_format(o.from);
    ctx.out().debug(fmt::format("{}: reading as {}", file, formats::to_string(from)));
    for (auto& imported : formats::import_text(text, file, from, codecs)) {
      auto exported = formats::export_spec(imported.spec, to, codecs);
      for (const auto* list : {&imported.losses, &exported.losses})
        for (const auto& loss : *list) ctx.out().warn(loss.str());
      losses += imported.losses.size() + exported.losses.size();
      out.push_back({imported.spec.name, std::move(exported.text)});
    }
  }
  return out;
}

void write_outputs(const ConvertOptions& o, NativeFormat to, const std::vector<Converted>& done, Context& ctx) {
  if (!o.output_dir.empty()) {
    std::map<std::string, const Converted*> by_path;
    for (const auto& c : done) {
      const auto path = (std::filesystem::path(o.output_dir) / (c.name + formats::file_extension(to))).string();
      if (!by_path.emplace(path, &c).second) throw InputError(fmt::format("two VMs are named '{}'; nothing written", c.name));
    }
    for (const auto& [path, c] : by_path) {
      formats::write_file_atomically(path, c->text);
      ctx.out().info("wrote " + path);
    }
    return;
  }
  if (to != NativeFormat::yaml && done.size() > 1)
    throw InputError(fmt::format("{} VMs: a {} file holds one VM; use --output-dir DIR (nothing written)", done.size(),
                                 formats::to_string(to)));
  std::string text;
  for (const auto& c : done) text += (to == NativeFormat::yaml ? "---\n" : "") + c.text;
  if (o.output_file.empty()) return ctx.out().raw(text);
  formats::write_file_atomically(o.output_file, text);
  ctx.out().info("wrote " + o.output_file);
}

int run_convert(const ConvertOptions& o, Context& ctx) {
  const NativeFormat to = *formats::parse_native_format(o.to);
  std::size_t losses = 0;
  const auto done = convert_all(o, to, ctx, losses);
  if (losses > 0 && o.strict)
    throw InputError(fmt::format("--strict: {} thing{} would not be carried over (listed above); nothing written", losses,
                                 losses == 1 ? "" : "s"));
  write_outputs(o, to, done, ctx);
  if (losses > 0) ctx.out().info(fmt::format("{} thing{} not carried over (listed above; --strict makes this an error)",
                                             losses, losses == 1 ? "" : "s"));
  return 0;
}

void add_common(CLI::App& app, ConvertOptions& o) {
  app.add_option("files", o.files, "Files to convert: xl.cfg, .vmx, libvirt domain XML or hvctl specs")
      ->required()->type_name("FILE")->check(CLI::ExistingFile);
  app.add_option("--from", o.from, "Read the files as this format (default: detected from the content)")
      ->check(CLI::IsMember(formats::kFormatNames));
  auto* file = app.add_option("-O,--output-file", o.output_file, "Write here (atomically) instead of stdout")
                   ->type_name("FILE");
  app.add_option("--output-dir", o.output_dir, "Write one file per VM here, named after the VM")
      ->type_name("DIR")->check(CLI::ExistingDirectory)->excludes(file);
  app.add_flag("--strict", o.strict, "Fail (exit 3, nothing written) if anything would not be carried over");
}

}  // namespace

void setup_convert(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<ConvertOptions>();
  app.add_option("--to", o->to, "Format to write")->required()->check(CLI::IsMember(formats::kFormatNames));
  add_common(app, *o);
  run = [o](Context& ctx) { return run_convert(*o, ctx); };
}

void setup_import(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<ConvertOptions>();
  add_common(app, *o);
  run = [o](Context& ctx) { return run_convert(*o, ctx); };
}

}  // namespace hvctl
