// The ServiceInstance's content: where the managers are, and what answers.
#pragma once

#include <string>

#include "soap_client.hpp"

namespace hvctl::vsphere {

struct ServiceContent {
  Moref root_folder, property_collector, view_manager, session_manager;
  Moref virtual_disk_manager;  // CopyVirtualDisk_Task, DeleteVirtualDisk_Task
  Moref file_manager;          // MakeDirectory, DeleteDatastoreFile_Task
  std::string full_name;  // "VMware vCenter Server 6.5.0 build-5973321"
  std::string api_type;   // VirtualCenter | HostAgent
};

// Reads RetrieveServiceContent's returnval.
ServiceContent parse_service_content(const xmlNode* returnval);

}  // namespace hvctl::vsphere
