//! Why a bundle was refused. A leaf module: the core's `Error` wraps
//! [`BundleError`], and this file names nothing else of the core.

/// Why a bundle was refused. Every message ends by saying nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{source_name}: not a Callblock bundle ({detail}); nothing was imported")]
    NotABundle { source_name: String, detail: String },

    #[error("{source_name}: written by a newer version of Callblock ({detail}); update Callblock to import it. Nothing was imported")]
    TooNew { source_name: String, detail: String },

    #[error("{source_name}: the bundle is damaged or incomplete ({detail}); nothing was imported. Ask for a new export")]
    Damaged { source_name: String, detail: String },

    #[error("{source_name}: {detail}; nothing was imported")]
    Conflict { source_name: String, detail: String },

    #[error("{source_name}: holds more than {limit_mib} MiB of data (the most a bundle may hold, years of one rep's calls); nothing was imported. Export a shorter period (--from, --to) in several bundles")]
    TooLarge { source_name: String, limit_mib: u64 },
}

impl BundleError {
    pub fn kind(&self) -> &'static str {
        match self {
            BundleError::NotABundle { .. } => "not_a_bundle",
            BundleError::TooNew { .. } => "bundle_too_new",
            BundleError::Damaged { .. } => "bundle_damaged",
            BundleError::Conflict { .. } => "bundle_conflict",
            BundleError::TooLarge { .. } => "bundle_too_large",
        }
    }
}
