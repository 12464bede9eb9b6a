// vim25 Tasks: wait by polling the task's `info` with RetrievePropertiesEx
// (backing off from 10 ms to 500 ms), report the task's own fault, and
// retry a method the server refuses with TaskInProgress.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "vim_session.hpp"

namespace hvctl::vsphere {

struct TaskInfo {
  std::string state;            // queued | running | success | error
  std::string fault_type;       // when state == error
  std::string fault_text;       // localizedMessage
  std::string fault_detail;     // the fault's simple fields
  std::optional<Moref> result;  // e.g. the new VM for CreateVM_Task
  std::optional<unsigned> progress;  // percent, while running, where the server tells it
};

// Told a running task's percent each time the task is read.
using TaskProgress = std::function<void(unsigned percent)>;

// Reads a TaskInfo <val>.
TaskInfo parse_task_info(const xmlNode* info);

// Waits until the task ends; returns its info on success, throws SoapFault
// carrying the task's fault otherwise. `progress`, when set, is told the
// task's percent while it runs.
TaskInfo wait_for_task(VimSession& session, const Moref& task, const TaskProgress& progress = {});

// Calls `start` (which invokes a *_Task method and returns the Task) and
// waits; while the VM is busy with another task (TaskInProgress, as a SOAP
// fault or a task fault) it retries up to 6 times with backoff.
TaskInfo run_task(VimSession& session, const std::function<Moref()>& start, const TaskProgress& progress = {});

}  // namespace hvctl::vsphere
