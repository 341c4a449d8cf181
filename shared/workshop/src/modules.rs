//! Each module's names in Temporal. A worker polls its task queue and registers
//! `workflow_type`; a starter sends work there. Module 4 has names of its own, so modules
//! 3 and 4 can run side by side without taking each other's transfers. When several learners
//! share one server, each learner's task queues and workflow ids carry their name
//! ([`crate::learner`]): [`Module::task_queue`] and [`Module::fixed_workflow_id`] give the
//! learner's own.

/// One module's names in Temporal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Module {
    /// The package and folder, e.g. "module03".
    pub name: &'static str,
    /// The pages' name; a learner's is [`Module::task_queue`] (private, so nobody prints the
    /// pages' name where the learner's is meant).
    task_queue: &'static str,
    /// The type the worker registers: the `#[run(name = ...)]` of the module's workflow,
    /// or the workflow struct's name when it has none.
    pub workflow_type: &'static str,
    /// Modules 1 and 2 use one fixed id, so running the program again finds the same
    /// workflow; modules 3 and 4 start a new id per transfer. The learner's: [`Module::fixed_workflow_id`].
    workflow_id: Option<&'static str>,
}

/// Module 1: prints numbers, with one fixed workflow id.
pub const MODULE01: Module = Module {
    name: "module01",
    task_queue: "print-numbers-task-queue",
    workflow_type: "PrintNumbersWorkflow",
    workflow_id: Some("print-numbers-workflow"),
};

/// Module 2: the first money transfer, with one fixed workflow id.
pub const MODULE02: Module = Module {
    name: "module02",
    task_queue: "money-transfer-task-queue",
    workflow_type: "MoneyTransferWorkflow",
    workflow_id: Some("money-transfer-workflow"),
};

/// Module 3: transfers from the Money Transfer UI, a new id each.
pub const MODULE03: Module = Module {
    name: "module03",
    task_queue: "module03-transfer-task-queue",
    workflow_type: "Module03TransferWorkflow",
    workflow_id: None,
};

/// Module 4: module 3's transfer with names of its own, so both run side by side.
pub const MODULE04: Module = Module {
    name: "module04",
    task_queue: "module04-transfer-task-queue",
    workflow_type: "Module04TransferWorkflow",
    workflow_id: None,
};

/// Every module, in order: the one list the log filter, `lab` and the tests derive theirs from.
pub const ALL: [Module; 4] = [MODULE01, MODULE02, MODULE03, MODULE04];

impl Module {
    /// A module whose workflows each get an id of their own (like modules 3 and 4), e.g. a
    /// benchmark's stand-in.
    pub const fn per_transfer(name: &'static str, task_queue: &'static str, workflow_type: &'static str) -> Module {
        Module { name, task_queue, workflow_type, workflow_id: None }
    }

    /// The module called `name` ("module03"), if there is one.
    pub fn named(name: &str) -> Option<Module> {
        ALL.into_iter().find(|module| module.name == name)
    }

    /// The module's number, as the pages and the lab say it ("Module 3").
    pub fn number(&self) -> u8 {
        let digits = self.name.trim_start_matches("module");
        digits.parse().unwrap_or_else(|_| panic!("a module's name is moduleNN, not {}", self.name))
    }

    /// The task queue this learner's worker polls and starter sends to: the module's own,
    /// with the learner's name when several share the server (`print-numbers-task-queue-ana`).
    pub fn task_queue(&self) -> String {
        crate::learner::own(self.task_queue)
    }

    /// The fixed workflow id of modules 1 and 2, this learner's (`print-numbers-workflow-ana`
    /// when several share the server).
    pub fn fixed_workflow_id(&self) -> String {
        match self.workflow_id {
            Some(id) => crate::learner::own(id),
            None => panic!("modules 3 and 4 start a new workflow id per transfer"),
        }
    }

    /// The fixed workflow id as the pages show it, with no learner's name: what a program run
    /// without `WORKSHOP_LEARNER` on this machine's server uses (the tests run that way).
    pub const fn workflow_id_without_learner(&self) -> &'static str {
        match self.workflow_id {
            Some(id) => id,
            None => panic!("modules 3 and 4 start a new workflow id per transfer"),
        }
    }

    /// The bank's database of modules 2 to 4, relative to the workspace root.
    pub fn bank_db(&self) -> String {
        format!("exercises/{}/bank.db", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_modules_share_a_task_queue_or_a_workflow_type() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a.task_queue, b.task_queue);
                assert_ne!(a.workflow_type, b.workflow_type);
            }
        }
    }

    #[test]
    fn modules_are_found_by_name() {
        assert_eq!(Module::named("module03"), Some(MODULE03));
        assert_eq!(Module::named("module05"), None);
        assert_eq!(MODULE04.bank_db(), "exercises/module04/bank.db");
        assert_eq!(MODULE01.workflow_id_without_learner(), "print-numbers-workflow");
    }
}
