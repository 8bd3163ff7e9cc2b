//! One server per data dir: a second `serve` on the same directory is refused, so two
//! schedulers never run the same jobs. CLI commands do not take the lock; SQLite's WAL and
//! busy timeout let them work beside a running server.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use anyhow::{bail, Context};

/// Holds the data-dir lock for as long as it is alive.
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
}

/// Takes the exclusive lock on `$DATA_DIR/shopbridge.lock`, or explains who holds it.
pub fn lock_data_dir(data_dir: &Path) -> anyhow::Result<InstanceLock> {
    let path = data_dir.join("shopbridge.lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .with_context(|| format!("无法创建锁文件 {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(InstanceLock { _file: file }),
        Err(TryLockError::WouldBlock) => bail!(
            "另一个 ShopBridge 服务正在使用数据目录 {}。同一数据目录只能运行一个服务；\
             请先停止它，或用 SHOPBRIDGE_DATA_DIR 指定其他目录。",
            data_dir.display()
        ),
        Err(TryLockError::Error(err)) => {
            Err(err).with_context(|| format!("无法锁定 {}", path.display()))
        }
    }
}
