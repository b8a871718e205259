//! sea-orm entities, one per table. Column meanings are documented in the migrations.

pub mod actor_binding;
pub mod blob;
pub mod calendar_file;
pub mod case;
pub mod court;
pub mod device;
pub mod dispute;
pub mod document;
pub mod document_chunk;
pub mod feed_event;
pub mod filed_item;
pub mod handover_deadline;
pub mod material_item;
pub mod material_list;
pub mod photo;
pub mod photo_reference;
pub mod refresh_token;
pub mod register_counter;
pub mod register_entry;
pub mod session;
pub mod sync_state;
pub mod team;
pub mod user;
pub mod user_role;
