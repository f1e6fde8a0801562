/*M!999999\- enable the sandbox mode */ 

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;
DROP TABLE IF EXISTS `alembic_version`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `alembic_version` (
  `version_num` varchar(32) NOT NULL,
  PRIMARY KEY (`version_num`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `alembic_version` WRITE;
/*!40000 ALTER TABLE `alembic_version` DISABLE KEYS */;
INSERT INTO `alembic_version` VALUES
('v0.9.0.a');
/*!40000 ALTER TABLE `alembic_version` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `studies`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `studies` (
  `study_id` int(11) NOT NULL AUTO_INCREMENT,
  `study_name` varchar(512) NOT NULL,
  `direction` enum('NOT_SET','MINIMIZE','MAXIMIZE') NOT NULL,
  PRIMARY KEY (`study_id`),
  UNIQUE KEY `ix_studies_study_name` (`study_name`)
) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `studies` WRITE;
/*!40000 ALTER TABLE `studies` DISABLE KEYS */;
INSERT INTO `studies` VALUES
(1,'single','MINIMIZE'),
(2,'second','MAXIMIZE');
/*!40000 ALTER TABLE `studies` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `study_system_attributes`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `study_system_attributes` (
  `study_system_attribute_id` int(11) NOT NULL AUTO_INCREMENT,
  `study_id` int(11) DEFAULT NULL,
  `key` varchar(512) DEFAULT NULL,
  `value_json` varchar(2048) DEFAULT NULL,
  PRIMARY KEY (`study_system_attribute_id`),
  UNIQUE KEY `study_id` (`study_id`,`key`),
  CONSTRAINT `study_system_attributes_ibfk_1` FOREIGN KEY (`study_id`) REFERENCES `studies` (`study_id`)
) ENGINE=InnoDB AUTO_INCREMENT=2 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `study_system_attributes` WRITE;
/*!40000 ALTER TABLE `study_system_attributes` DISABLE KEYS */;
INSERT INTO `study_system_attributes` VALUES
(1,1,'sys_note','{\"release\": \"1.0.0\"}');
/*!40000 ALTER TABLE `study_system_attributes` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `study_user_attributes`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `study_user_attributes` (
  `study_user_attribute_id` int(11) NOT NULL AUTO_INCREMENT,
  `study_id` int(11) DEFAULT NULL,
  `key` varchar(512) DEFAULT NULL,
  `value_json` varchar(2048) DEFAULT NULL,
  PRIMARY KEY (`study_user_attribute_id`),
  UNIQUE KEY `study_id` (`study_id`,`key`),
  CONSTRAINT `study_user_attributes_ibfk_1` FOREIGN KEY (`study_id`) REFERENCES `studies` (`study_id`)
) ENGINE=InnoDB AUTO_INCREMENT=2 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `study_user_attributes` WRITE;
/*!40000 ALTER TABLE `study_user_attributes` DISABLE KEYS */;
INSERT INTO `study_user_attributes` VALUES
(1,1,'owner','\"golden\"');
/*!40000 ALTER TABLE `study_user_attributes` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `trial_params`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `trial_params` (
  `param_id` int(11) NOT NULL AUTO_INCREMENT,
  `trial_id` int(11) DEFAULT NULL,
  `param_name` varchar(512) DEFAULT NULL,
  `param_value` float DEFAULT NULL,
  `distribution_json` varchar(2048) DEFAULT NULL,
  PRIMARY KEY (`param_id`),
  UNIQUE KEY `trial_id` (`trial_id`,`param_name`),
  CONSTRAINT `trial_params_ibfk_1` FOREIGN KEY (`trial_id`) REFERENCES `trials` (`trial_id`)
) ENGINE=InnoDB AUTO_INCREMENT=44 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `trial_params` WRITE;
/*!40000 ALTER TABLE `trial_params` DISABLE KEYS */;
INSERT INTO `trial_params` VALUES
(1,1,'x',-8.47383,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(2,1,'lx',0.218653,'{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 1.0}}'),
(3,1,'q',0.5,'{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}'),
(4,1,'i',7,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10}}'),
(5,1,'c',3,'{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"red\", 3, 2.5, null]}}'),
(6,2,'x',9.55979,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(7,2,'lx',0.041256,'{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 1.0}}'),
(8,2,'q',0.5,'{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}'),
(9,2,'i',10,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10}}'),
(10,2,'c',2,'{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"red\", 3, 2.5, null]}}'),
(11,3,'x',-9.68179,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(12,3,'lx',0.0383084,'{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 1.0}}'),
(13,3,'q',1,'{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}'),
(14,3,'i',7,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10}}'),
(15,3,'c',0,'{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"red\", 3, 2.5, null]}}'),
(16,4,'x',-2.14115,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(17,4,'lx',0.105437,'{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 1.0}}'),
(18,4,'q',0.75,'{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}'),
(19,4,'i',5,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10}}'),
(20,4,'c',0,'{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"red\", 3, 2.5, null]}}'),
(21,5,'x',8.62412,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(22,5,'lx',0.00118768,'{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 1.0}}'),
(23,5,'q',0.75,'{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}'),
(24,5,'i',0,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10}}'),
(25,5,'c',2,'{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"red\", 3, 2.5, null]}}'),
(26,6,'x',-5.39394,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(27,6,'lx',0.0442048,'{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 1.0}}'),
(28,6,'q',1,'{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}'),
(29,6,'i',9,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10}}'),
(30,6,'c',3,'{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"red\", 3, 2.5, null]}}'),
(31,7,'x',0.468252,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(32,7,'lx',0.178332,'{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 1.0}}'),
(33,7,'q',0.75,'{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}'),
(34,7,'i',0,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10}}'),
(35,7,'c',0,'{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"red\", 3, 2.5, null]}}'),
(36,8,'x',-5.90302,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(37,8,'lx',0.0296686,'{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 1.0}}'),
(38,8,'q',0.25,'{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}'),
(39,8,'i',7,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10}}'),
(40,8,'c',3,'{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"red\", 3, 2.5, null]}}'),
(41,9,'x',1.5,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(42,10,'y',0.0763083,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0}}'),
(43,11,'y',0.779919,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0}}');
/*!40000 ALTER TABLE `trial_params` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `trial_system_attributes`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `trial_system_attributes` (
  `trial_system_attribute_id` int(11) NOT NULL AUTO_INCREMENT,
  `trial_id` int(11) DEFAULT NULL,
  `key` varchar(512) DEFAULT NULL,
  `value_json` varchar(2048) DEFAULT NULL,
  PRIMARY KEY (`trial_system_attribute_id`),
  UNIQUE KEY `trial_id` (`trial_id`,`key`),
  CONSTRAINT `trial_system_attributes_ibfk_1` FOREIGN KEY (`trial_id`) REFERENCES `trials` (`trial_id`)
) ENGINE=InnoDB AUTO_INCREMENT=21 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `trial_system_attributes` WRITE;
/*!40000 ALTER TABLE `trial_system_attributes` DISABLE KEYS */;
INSERT INTO `trial_system_attributes` VALUES
(1,1,'_number','0'),
(2,1,'sys','[0, \"s\"]'),
(3,2,'_number','1'),
(4,2,'sys','[1, \"s\"]'),
(5,3,'_number','2'),
(6,3,'sys','[2, \"s\"]'),
(7,4,'_number','3'),
(8,4,'sys','[3, \"s\"]'),
(9,4,'fail_reason','\"Setting status of trial#3 as TrialState.FAIL because of the following error: ValueError(\'this trial fails on purpose\')\"'),
(10,5,'_number','4'),
(11,5,'sys','[4, \"s\"]'),
(12,6,'_number','5'),
(13,6,'sys','[5, \"s\"]'),
(14,7,'_number','6'),
(15,7,'sys','[6, \"s\"]'),
(16,8,'_number','7'),
(17,8,'sys','[7, \"s\"]'),
(18,9,'_number','8'),
(19,10,'_number','0'),
(20,11,'_number','1');
/*!40000 ALTER TABLE `trial_system_attributes` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `trial_user_attributes`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `trial_user_attributes` (
  `trial_user_attribute_id` int(11) NOT NULL AUTO_INCREMENT,
  `trial_id` int(11) DEFAULT NULL,
  `key` varchar(512) DEFAULT NULL,
  `value_json` varchar(2048) DEFAULT NULL,
  PRIMARY KEY (`trial_user_attribute_id`),
  UNIQUE KEY `trial_id` (`trial_id`,`key`),
  CONSTRAINT `trial_user_attributes_ibfk_1` FOREIGN KEY (`trial_id`) REFERENCES `trials` (`trial_id`)
) ENGINE=InnoDB AUTO_INCREMENT=10 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `trial_user_attributes` WRITE;
/*!40000 ALTER TABLE `trial_user_attributes` DISABLE KEYS */;
INSERT INTO `trial_user_attributes` VALUES
(1,1,'double_x','-16.947668425041712'),
(2,2,'double_x','19.119580479864105'),
(3,3,'double_x','-19.363585561548923'),
(4,4,'double_x','-4.282307605166334'),
(5,5,'double_x','17.248240787560867'),
(6,6,'double_x','-10.787884839161407'),
(7,7,'double_x','0.9365032269506344'),
(8,8,'double_x','-11.806036388088197'),
(9,9,'running','true');
/*!40000 ALTER TABLE `trial_user_attributes` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `trial_values`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `trial_values` (
  `trial_value_id` int(11) NOT NULL AUTO_INCREMENT,
  `trial_id` int(11) DEFAULT NULL,
  `step` int(11) DEFAULT NULL,
  `value` float DEFAULT NULL,
  PRIMARY KEY (`trial_value_id`),
  UNIQUE KEY `trial_id` (`trial_id`,`step`),
  CONSTRAINT `trial_values_ibfk_1` FOREIGN KEY (`trial_id`) REFERENCES `trials` (`trial_id`)
) ENGINE=InnoDB AUTO_INCREMENT=26 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `trial_values` WRITE;
/*!40000 ALTER TABLE `trial_values` DISABLE KEYS */;
INSERT INTO `trial_values` VALUES
(1,1,0,-8.47383),
(2,1,1,-8.25518),
(3,1,2,-8.03653),
(4,2,0,9.55979),
(5,2,1,9.60105),
(6,2,2,9.6423),
(7,3,0,-9.68179),
(8,3,1,-9.64348),
(9,3,2,-9.60518),
(10,4,0,-2.14115),
(11,4,1,-2.03572),
(12,4,2,-1.93028),
(13,5,0,8.62412),
(14,5,1,8.62531),
(15,5,2,8.6265),
(16,6,0,-5.39394),
(17,6,1,-5.34974),
(18,6,2,-5.30553),
(19,7,0,0.468252),
(20,7,1,0.646584),
(21,7,2,0.824916),
(22,8,0,-5.90302),
(23,8,1,-5.87335),
(24,8,2,-5.84368),
(25,9,0,0.125);
/*!40000 ALTER TABLE `trial_values` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `trials`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `trials` (
  `trial_id` int(11) NOT NULL AUTO_INCREMENT,
  `study_id` int(11) DEFAULT NULL,
  `state` enum('RUNNING','COMPLETE','PRUNED','FAIL') NOT NULL,
  `value` float DEFAULT NULL,
  `datetime_start` datetime DEFAULT NULL,
  `datetime_complete` datetime DEFAULT NULL,
  PRIMARY KEY (`trial_id`),
  KEY `study_id` (`study_id`),
  CONSTRAINT `trials_ibfk_1` FOREIGN KEY (`study_id`) REFERENCES `studies` (`study_id`)
) ENGINE=InnoDB AUTO_INCREMENT=12 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `trials` WRITE;
/*!40000 ALTER TABLE `trials` DISABLE KEYS */;
INSERT INTO `trials` VALUES
(1,1,'COMPLETE',79.5245,'2026-12-06 02:13:11','2026-12-06 02:13:11'),
(2,1,'COMPLETE',101.931,'2026-12-06 02:13:11','2026-12-06 02:13:11'),
(3,1,'PRUNED',-9.60518,'2026-12-06 02:13:11','2026-12-06 02:13:12'),
(4,1,'FAIL',-1.93028,'2026-12-06 02:13:12','2026-12-06 02:13:12'),
(5,1,'COMPLETE',75.1266,'2026-12-06 02:13:12','2026-12-06 02:13:12'),
(6,1,'COMPLETE',39.1388,'2026-12-06 02:13:12','2026-12-06 02:13:12'),
(7,1,'COMPLETE',1.14759,'2026-12-06 02:13:12','2026-12-06 02:13:12'),
(8,1,'COMPLETE',42.1253,'2026-12-06 02:13:12','2026-12-06 02:13:12'),
(9,1,'RUNNING',NULL,'2026-12-06 02:13:12',NULL),
(10,2,'COMPLETE',0.0763083,'2026-12-06 02:13:12','2026-12-06 02:13:12'),
(11,2,'COMPLETE',0.779919,'2026-12-06 02:13:12','2026-12-06 02:13:12');
/*!40000 ALTER TABLE `trials` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `version_info`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `version_info` (
  `version_info_id` int(11) NOT NULL,
  `schema_version` int(11) DEFAULT NULL,
  `library_version` varchar(256) DEFAULT NULL,
  PRIMARY KEY (`version_info_id`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`version_info_id` = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `version_info` WRITE;
/*!40000 ALTER TABLE `version_info` DISABLE KEYS */;
INSERT INTO `version_info` VALUES
(1,12,'1.0.0');
/*!40000 ALTER TABLE `version_info` ENABLE KEYS */;
UNLOCK TABLES;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

