#pragma once

#include <QString>

#include <functional>

class QThreadPool;

namespace kinbot {

class FileStorage;
class KinService;
class ToolRegistry;

struct FileStorageToolDeps
{
    FileStorage &storage;
    KinService &kins;
    QThreadPool &cpuPool;                // password hashing
    std::function<QString()> publicUrl;  // known once the server listens
};

// store_file (from the Kin's workspace or given text), get/list/search/update/delete_stored_file — a Kin only
// sees and changes its own stored files.
void registerFileStorageTools(ToolRegistry &registry, const FileStorageToolDeps &deps);

} // namespace kinbot
