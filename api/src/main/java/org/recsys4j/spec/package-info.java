/**
 * Model specs: towers, features, dense layers, the Retrieval task's options and the optimizer,
 * declared as data. Each backend compiles a spec; one spec and its weights run the same on any backend.
 */
package org.recsys4j.spec;
