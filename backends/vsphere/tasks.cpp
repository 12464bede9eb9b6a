#include "tasks.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "properties.hpp"

namespace hvctl::vsphere {

TaskInfo parse_task_info(const xmlNode* info) {
  TaskInfo t;
  t.state = xml::child_text(info, "state");
  if (const xmlNode* error = xml::child(info, "error")) {
    const xmlNode* fault = xml::child(error, "fault");
    t.fault_type = fault_type(fault);
    t.fault_text = xml::child_text(error, "localizedMessage");
    t.fault_detail = fault_fields(fault);
  }
  if (const xmlNode* result = xml::child(info, "result"); result && !xml::attr(result, "type").empty())
    t.result = read_moref(result);
  if (const std::string p = xml::child_text(info, "progress"); !p.empty() && p.find_first_not_of("0123456789") == std::string::npos)
    t.progress = static_cast<unsigned>(std::min(std::stoul(p), 100UL));
  return t;
}

TaskInfo wait_for_task(VimSession& session, const Moref& task, const TaskProgress& progress) {
  PropertyQuery q;
  q.prop_sets = {{"Task", {"info"}}};
  q.objects = {task};
  auto delay = std::chrono::milliseconds(10);
  for (;;) {
    TaskInfo info;
    retrieve(session, q, [&](const ObjectContent& o) { info = parse_task_info(o.prop("info")); });
    if (info.state == "success") return info;
    if (info.state == "error") throw SoapFault(info.fault_type, info.fault_text, info.fault_detail);
    if (progress && info.progress) progress(*info.progress);
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(500));
  }
}

TaskInfo run_task(VimSession& session, const std::function<Moref()>& start, const TaskProgress& progress) {
  auto backoff = std::chrono::milliseconds(200);
  for (int attempt = 1;; ++attempt) {
    try {
      return wait_for_task(session, start(), progress);
    } catch (const SoapFault& f) {
      if (f.type() != "TaskInProgress" || attempt == 6) throw;
    }
    std::this_thread::sleep_for(backoff);
    backoff *= 2;
  }
}

}  // namespace hvctl::vsphere
