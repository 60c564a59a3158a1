//! Selection, plans and execution of actions over many entries. No terminal code lives here:
//! it reports through plain data and callbacks that `output` draws.

pub mod pages;
