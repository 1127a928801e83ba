//! A trace as the engine's arrival source: the reader shared with its owner, traffic scaled up or thinned, and the handle that keeps the reader's error for after the run.

use super::error::TraceError;
use super::reader::TraceReader;
use super::row::TraceFunction;
use crate::model::trace::ArrivalSource;
use crate::model::trace::ExternalArrival;
use crate::model::trace::SourceFunction;
use crate::rng::SimRng;
use crate::time::SimTime;
use rand::RngExt;
use std::cell::RefCell;
use std::rc::Rc;

/// A trace as the engine's [`ArrivalSource`]: the reader and its first error, shared with the
/// caller, which checks [`TraceSource::error`] once the run is over.
pub struct TraceSource {
    reader: Rc<RefCell<TraceReader>>,
    error: Rc<RefCell<Option<TraceError>>>,
    /// Traffic scale: each row arrives floor(scale) times, plus once more with probability
    /// frac(scale) (so a scale below 1 thins the trace), copies at the row's own instant.
    scale: f64,
    rng: Option<SimRng>,
    /// Copies of `last` still to hand out.
    repeat: u32,
    last: Option<ExternalArrival>,
}

impl TraceSource {
    /// Wraps a reader; the returned handles see the reader and its error after the run.
    pub fn new(reader: TraceReader) -> (TraceSource, TraceHandle) {
        let reader = Rc::new(RefCell::new(reader));
        let error = Rc::new(RefCell::new(None));
        let handle = TraceHandle {
            reader: Rc::clone(&reader),
            error: Rc::clone(&error),
        };
        let source = TraceSource {
            reader,
            error,
            scale: 1.0,
            rng: None,
            repeat: 0,
            last: None,
        };
        (source, handle)
    }

    /// Scales the trace's traffic by `scale` (positive): rows are replicated or thinned at
    /// random with `rng`, which draws nothing when the scale is a whole number.
    pub fn with_scale(mut self, scale: f64, rng: SimRng) -> TraceSource {
        self.scale = scale;
        self.rng = Some(rng);
        self
    }

    fn read(&mut self) -> Option<ExternalArrival> {
        match self.reader.borrow_mut().next_arrival() {
            Ok(Some(a)) => Some(ExternalArrival {
                at: a.at,
                function: a.function,
                exec: a.exec,
                memory_mb: a.memory_mb,
                tenant: a.tenant,
            }),
            Ok(None) => None,
            Err(e) => {
                *self.error.borrow_mut() = Some(e);
                None
            }
        }
    }
}

/// What the caller keeps of a [`TraceSource`] handed to the engine.
pub struct TraceHandle {
    reader: Rc<RefCell<TraceReader>>,
    error: Rc<RefCell<Option<TraceError>>>,
}

impl TraceHandle {
    /// The error that ended the trace early, if any.
    pub fn error(&self) -> Option<TraceError> {
        self.error.borrow_mut().take()
    }

    /// The functions seen, with their notes.
    pub fn functions(&self) -> Vec<TraceFunction> {
        self.reader.borrow().functions().to_vec()
    }

    /// Data rows read so far.
    pub fn rows_read(&self) -> u64 {
        self.reader.borrow().rows_read()
    }

    /// The latest arrival read so far (the run may have stopped before serving it).
    pub fn latest_arrival(&self) -> Option<SimTime> {
        self.reader.borrow().latest_arrival()
    }
}

impl ArrivalSource for TraceSource {
    #[inline]
    fn next_arrival(&mut self) -> Option<ExternalArrival> {
        if self.repeat > 0 {
            self.repeat -= 1;
            return self.last;
        }
        if self.scale == 1.0 {
            return self.read();
        }
        loop {
            let a = self.read()?;
            let whole = self.scale.floor();
            let frac = self.scale - whole;
            let extra = match &mut self.rng {
                Some(rng) if frac > 0.0 => u32::from(rng.random::<f64>() < frac),
                _ => 0,
            };
            let copies = whole as u32 + extra;
            if copies > 0 {
                self.repeat = copies - 1;
                self.last = Some(a);
                return Some(a);
            }
        }
    }

    fn function(&self, index: u32) -> SourceFunction {
        let reader = self.reader.borrow();
        let f = &reader.functions()[index as usize];
        SourceFunction {
            name: f.name.clone(),
            exec: f.exec.clone(),
            memory_mb: f.memory_mb,
        }
    }
}
