// The cloud-init NoCloud seed: an ISO 9660 volume labelled "cidata" whose
// files (meta-data, user-data, network-config) a guest's cloud-init reads at
// first boot. libvirt and Xen guests get their first-boot identity this way
// (spec.init); the backends attach the image read-only as a CD-ROM.
//
// The image is built in process with libisofs, with Rock Ridge and Joliet
// names, so a reader sees "meta-data" and "user-data" as written (the plain
// ISO 9660 names are mangled to d-characters, as every seed tool does).
// The same input gives the same bytes: every timestamp in the image is the
// fixed kSeedTime, owners are 0:0, files 0444 and directories 0555, so a
// backend can compare a rebuilt seed with the one attached to tell whether it
// changed.
#pragma once

#include <ctime>
#include <string>
#include <sys/types.h>
#include <vector>

namespace hvctl {

// One file in the seed's root directory.
struct SeedFile {
  std::string name;     // e.g. "meta-data": not empty, no '/', not "." or "..", at most 255 bytes
  std::string content;  // the file's bytes, as they are
};

// Every timestamp written into a seed image: 2000-01-01T00:00:00Z.
inline constexpr std::time_t kSeedTime = 946684800;

// NoCloud meta-data: "instance-id: ..." and "local-hostname: ..." as YAML
// double-quoted scalars (any byte is safe: quotes, backslashes and control
// characters are escaped), one per line. The local-hostname line is left out
// when hostname is empty. Pure; throws InputError when instance_id is empty
// (cloud-init needs one: a new instance-id is what makes it run first boot
// again).
std::string nocloud_meta_data(const std::string& instance_id, const std::string& hostname);

// Writes a new ISO 9660 image at path holding files in its root directory,
// with volume_id as its label (the volume identifier, at most 32 bytes;
// NoCloud looks for "cidata"). The file is created with O_EXCL and mode
// `mode` (less the umask): an existing file is never replaced. The default
// 0600 because user-data may carry secrets; whoever runs the hypervisor's
// process must be able to read it, so a backend may need to hand it over.
// An empty file list makes a valid, empty volume.
// Throws InputError for a bad name (see SeedFile), two files of one name or a
// bad volume_id, before anything is created; BackendError naming path and
// libisofs's own message (or errno's) when the image cannot be made or
// written, in which case the half-written file is removed.
// Safe to call from several threads (libisofs's global state is guarded).
void write_seed_iso(const std::string& path, const std::vector<SeedFile>& files,
                    const std::string& volume_id = "cidata", mode_t mode = 0600);

}  // namespace hvctl
